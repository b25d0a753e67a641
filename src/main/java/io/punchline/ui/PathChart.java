package io.punchline.ui;

import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.PathMark;
import io.punchline.ui.model.PathSample;
import io.punchline.ui.model.PeerModel;
import javafx.collections.ListChangeListener;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Throughput (relayed and direct, left scale) and the session's RTT (right scale) over the last two minutes, with a
 * vertical mark at each switch to direct (green), fallback (red) and return to the relay (orange).
 */
final class PathChart extends ResizableCanvas {

    private static final long WINDOW_MILLIS = DashboardModel.HISTORY * 250L;
    private final DashboardModel model;
    private PeerModel shown;
    private final ListChangeListener<PathMark> marksChanged = c -> redraw();

    PathChart(DashboardModel model) {
        this.model = model;
        setId("pathChart");
        setMinHeight(120);
        setPrefHeight(150);
        model.samples().addListener((ListChangeListener<PathSample>) c -> redraw());
        model.selectedProperty().addListener((o, old, now) -> follow(now));
        follow(model.selected());
    }

    private void follow(PeerModel peer) {
        if (shown != null) {
            shown.marks().removeListener(marksChanged);
        }
        shown = peer;
        if (peer != null) {
            peer.marks().addListener(marksChanged);
        }
        redraw();
    }

    @Override
    void redraw() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        if (w <= 0 || h <= 0) {
            return;
        }
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(palette.background());
        g.fillRect(0, 0, w, h);
        double left = 70;
        double right = w - 60;
        double top = 18;
        double bottom = h - 20;
        g.setStroke(palette.muted());
        g.setLineWidth(1);
        g.strokeRect(left, top, right - left, bottom - top);

        List<PathSample> samples = model.samples();
        long now = samples.isEmpty() ? System.currentTimeMillis() : samples.get(samples.size() - 1).millis();
        long from = now - WINDOW_MILLIS;
        long maxRate = 1000;
        long maxRtt = 10;
        for (PathSample s : samples) {
            maxRate = Math.max(maxRate, Math.max(s.relayBytesPerSecond(), s.directBytesPerSecond()));
            maxRtt = Math.max(maxRtt, s.sessionRttMillis());
        }
        g.setFont(Font.font(11));
        g.setTextBaseline(VPos.CENTER);
        g.setFill(palette.text());
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText(Format.rate(maxRate), left - 6, top);
        g.fillText("0", left - 6, bottom);
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(palette.rtt());
        g.fillText(maxRtt + " ms", right + 6, top);
        g.fillText("0 ms", right + 6, bottom);

        if (shown != null) {
            for (PathMark mark : shown.marks()) {
                if (mark.millis() < from) {
                    continue;
                }
                double x = x(mark.millis(), from, left, right);
                g.setStroke(switch (mark.kind()) {
                    case DIRECT -> palette.direct();
                    case FALLBACK -> palette.fallback();
                    case RELAY -> palette.relay();
                });
                g.setLineWidth(2);
                g.setLineDashes(4, 3);
                g.strokeLine(x, top, x, bottom);
                g.setLineDashes((double[]) null);
            }
        }
        final long rateScale = maxRate;
        final long rttScale = maxRtt;
        plot(g, samples, from, left, right, top, bottom, palette.relay(), s -> (double) s.relayBytesPerSecond() / rateScale);
        plot(g, samples, from, left, right, top, bottom, palette.direct(), s -> (double) s.directBytesPerSecond() / rateScale);
        plot(g, samples, from, left, right, top, bottom, palette.rtt(),
                s -> s.sessionRttMillis() < 0 ? Double.NaN : (double) s.sessionRttMillis() / rttScale);

        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        legend(g, left + 4, 2, palette.relay(), "relayed");
        legend(g, left + 90, 2, palette.direct(), "direct");
        legend(g, left + 170, 2, palette.rtt(), "RTT");
        legend(g, left + 230, 2, palette.fallback(), "fallback");
    }

    private static double x(long millis, long from, double left, double right) {
        return left + (right - left) * (millis - from) / (double) WINDOW_MILLIS;
    }

    private void plot(GraphicsContext g, List<PathSample> samples, long from, double left, double right, double top,
                      double bottom, Color color, ToDoubleFunction<PathSample> value) {
        g.setStroke(color);
        g.setLineWidth(1.8);
        g.beginPath();
        boolean drawing = false;
        for (PathSample s : samples) {
            double v = value.applyAsDouble(s);
            if (Double.isNaN(v) || s.millis() < from) {
                drawing = false;
                continue;
            }
            double px = x(s.millis(), from, left, right);
            double py = bottom - (bottom - top) * Math.min(1, v);
            if (drawing) {
                g.lineTo(px, py);
            } else {
                g.moveTo(px, py);
                drawing = true;
            }
        }
        g.stroke();
    }

    private void legend(GraphicsContext g, double x, double y, Color color, String label) {
        g.setFill(color);
        g.fillRect(x, y + 5, 12, 3);
        g.setFill(palette.text());
        g.fillText(label, x + 16, y);
    }
}
