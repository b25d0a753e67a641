package io.punchline.ui;

import javafx.scene.paint.Color;

/** Colours of the drawn views (path diagram, chart), which style sheets do not reach. */
record Palette(Color background, Color text, Color muted, Color relay, Color direct, Color rtt, Color fallback,
               Color node) {

    static final Palette LIGHT = new Palette(Color.web("#ffffff"), Color.web("#1f2328"), Color.web("#8c959f"),
            Color.web("#bc4c00"), Color.web("#1a7f37"), Color.web("#0969da"), Color.web("#cf222e"), Color.web("#eaeef2"));
    static final Palette DARK = new Palette(Color.web("#1e2228"), Color.web("#e6edf3"), Color.web("#7d8590"),
            Color.web("#f0883e"), Color.web("#3fb950"), Color.web("#58a6ff"), Color.web("#f85149"), Color.web("#30363d"));
}
