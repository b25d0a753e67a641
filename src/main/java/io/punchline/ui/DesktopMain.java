package io.punchline.ui;

import javafx.application.Application;

import java.util.Locale;

/**
 * Opens the window: called by the launcher for {@code punchline} without arguments and for {@code punchline app}.
 * The CLI reaches JavaFX only through this class, so {@code --version} and the subcommands never load it.
 */
public final class DesktopMain {

    private DesktopMain() {
    }

    /** Runs the window until it is closed; returns the exit code. */
    public static int open(String[] args) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        boolean unixDesktop = !os.contains("win") && !os.contains("mac");
        if (unixDesktop && isBlank(System.getenv("DISPLAY")) && isBlank(System.getenv("WAYLAND_DISPLAY"))) {
            System.err.println("punchline: no display to open the window on (DISPLAY is not set); "
                    + "the command-line tools work without one: punchline --help");
            return 1;
        }
        Application.launch(PunchlineApp.class, args);
        return 0;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
