package io.punchline.ui;

import javafx.scene.canvas.Canvas;
import javafx.scene.layout.Pane;

/** A canvas that fills its pane and redraws when resized; subclasses draw. */
abstract class ResizableCanvas extends Pane {

    protected final Canvas canvas = new Canvas();
    protected Palette palette = Palette.LIGHT;

    ResizableCanvas() {
        getChildren().add(canvas);
        canvas.widthProperty().bind(widthProperty());
        canvas.heightProperty().bind(heightProperty());
        canvas.widthProperty().addListener(o -> redraw());
        canvas.heightProperty().addListener(o -> redraw());
        getStyleClass().add("drawing");
    }

    void setPalette(Palette palette) {
        this.palette = palette;
        redraw();
    }

    abstract void redraw();
}
