package io.punchline.ui;

import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.PathSample;
import io.punchline.ui.model.PeerModel;
import javafx.beans.InvalidationListener;
import javafx.geometry.VPos;
import javafx.scene.AccessibleRole;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

/**
 * You, the relay and the peer, with the live path drawn strong (through the relay, or the direct line with its
 * address) and the other one faint; RTT and throughput of the latest sample beside it. Its accessible text says the
 * same in words (screen readers, and the UI tests).
 */
final class PathDiagram extends ResizableCanvas {

    private final DashboardModel model;
    private PeerModel shown;
    private final InvalidationListener redraw = o -> redraw();

    PathDiagram(DashboardModel model) {
        this.model = model;
        setId("pathDiagram");
        setAccessibleRole(AccessibleRole.TEXT);
        setFocusTraversable(false);
        setMinHeight(170);
        setPrefHeight(190);
        model.selectedProperty().addListener((o, old, now) -> follow(now));
        model.relay().connectedProperty().addListener(redraw);
        model.relay().addressProperty().addListener(redraw);
        model.samples().addListener(redraw);
        follow(model.selected());
    }

    private void follow(PeerModel peer) {
        if (shown != null) {
            shown.pathProperty().removeListener(redraw);
            shown.pathAddressProperty().removeListener(redraw);
            shown.openProperty().removeListener(redraw);
        }
        shown = peer;
        if (peer != null) {
            peer.pathProperty().addListener(redraw);
            peer.pathAddressProperty().addListener(redraw);
            peer.openProperty().addListener(redraw);
        }
        redraw();
    }

    /** The live path in words, e.g. "direct via 127.0.0.1:40001". */
    String description() {
        if (shown == null) {
            return "no session";
        }
        if (!shown.openProperty().get()) {
            return "session closed";
        }
        return shown.path() + " via " + shown.pathAddress();
    }

    @Override
    void redraw() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        if (w <= 0 || h <= 0) {
            return;
        }
        String text = description();
        setAccessibleText("Live path: " + text);
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(palette.background());
        g.fillRect(0, 0, w, h);
        double youX = w * 0.14;
        double peerX = w * 0.86;
        double midX = w / 2;
        double relayY = h * 0.26;
        double endY = h * 0.62;
        boolean open = shown != null && shown.openProperty().get();
        boolean direct = open && PeerModel.DIRECT.equals(shown.path());
        boolean relayed = open && !direct;

        line(g, youX, endY, midX, relayY, relayed ? palette.relay() : palette.muted(), relayed);
        line(g, midX, relayY, peerX, endY, relayed ? palette.relay() : palette.muted(), relayed);
        line(g, youX, endY, peerX, endY, direct ? palette.direct() : palette.muted(), direct);

        node(g, youX, endY, "You", model.relay().publicAddressProperty().get());
        node(g, midX, relayY, model.relay().embeddedProperty().get() ? "Relay (embedded)" : "Relay",
                model.relay().addressProperty().get());
        node(g, peerX, endY, shown == null ? "Peer" : "Peer " + shown.shortPeer(), shown == null ? "" : shown.virtualAddressProperty().get());

        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        g.setFont(Font.font(null, FontWeight.BOLD, 13));
        g.setFill(direct ? palette.direct() : relayed ? palette.relay() : palette.muted());
        String headline = shown == null ? "No session yet: dial a contact, or give yours to a peer"
                : !open ? "Session closed" : direct ? "Direct path " + shown.pathAddress() : "Relayed (peer at " + shown.pathAddress() + ")";
        g.fillText(headline, midX, endY + 12);

        PathSample last = model.samples().isEmpty() ? null : model.samples().get(model.samples().size() - 1);
        if (last != null) {
            g.setFont(Font.font(12));
            g.setFill(palette.text());
            long rate = last.relayBytesPerSecond() + last.directBytesPerSecond();
            g.fillText("RTT " + Format.rtt(open ? last.sessionRttMillis() : -1) + "   throughput " + Format.rate(rate),
                    midX, endY + 32);
        }
    }

    private void line(GraphicsContext g, double x1, double y1, double x2, double y2, Color color, boolean live) {
        g.setStroke(color);
        g.setLineWidth(live ? 4 : 1.5);
        g.setLineDashes(live ? null : new double[]{6, 6});
        g.strokeLine(x1, y1, x2, y2);
        g.setLineDashes((double[]) null);
    }

    private void node(GraphicsContext g, double x, double y, String title, String address) {
        double r = 18;
        g.setFill(palette.node());
        g.fillOval(x - r, y - r, 2 * r, 2 * r);
        g.setStroke(palette.text());
        g.setLineWidth(1.5);
        g.strokeOval(x - r, y - r, 2 * r, 2 * r);
        g.setFill(palette.text());
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.BOTTOM);
        g.setFont(Font.font(null, FontWeight.BOLD, 12));
        g.fillText(title, x, y - r - 14);
        g.setFont(Font.font(11));
        g.setFill(palette.muted());
        g.fillText(address == null ? "" : address, x, y - r - 1);
    }
}
