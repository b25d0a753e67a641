package io.punchline.ui;

import io.punchline.ui.model.RelayModel;
import javafx.beans.binding.Bindings;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;

/** The relay session: relay, pins, connected or not, our public bind address, contexts, RTT, and our contact. */
final class RelayPane extends TitledPane {

    RelayPane(RelayModel relay) {
        setText("Relay session");
        setCollapsible(false);
        setId("relayPane");
        GridPane grid = new GridPane();
        grid.getStyleClass().add("facts");
        int row = 0;
        Label state = new Label();
        state.setId("relayState");
        state.textProperty().bind(Bindings.createStringBinding(() -> relay.connectedProperty().get()
                        ? "connected" : relay.lostReasonProperty().get() != null
                        ? "lost: " + relay.lostReasonProperty().get() : "not connected",
                relay.connectedProperty(), relay.lostReasonProperty()));
        state.styleProperty().unbind();
        relay.connectedProperty().addListener((o, was, now) -> state.pseudoClassStateChanged(
                javafx.css.PseudoClass.getPseudoClass("ok"), now));
        grid.addRow(row++, key("State"), state);
        grid.addRow(row++, key("Relay"), value("relayAddress", relay.addressProperty()));
        Label origin = value("relayOrigin", relay.originProperty());
        origin.setWrapText(true);
        grid.addRow(row++, key("Source"), origin);
        grid.addRow(row++, key("TLS pin"), selectable("relayPin", relay.tlsPinProperty()));
        grid.addRow(row++, key("Relay PeerId"), selectable("relayPeer", relay.relayPeerProperty()));
        grid.addRow(row++, key("Public bind"), value("publicAddress", relay.publicAddressProperty()));
        Label contexts = new Label();
        contexts.setId("relayContexts");
        contexts.textProperty().bind(Bindings.createStringBinding(() -> relay.contextsProperty().get() < 0 ? "-"
                : Integer.toString(relay.contextsProperty().get()), relay.contextsProperty()));
        grid.addRow(row++, key("Contexts"), contexts);
        Label rtt = new Label();
        rtt.setId("relayRtt");
        rtt.textProperty().bind(Bindings.createStringBinding(() -> Format.rtt(relay.rttMillisProperty().get()),
                relay.rttMillisProperty()));
        grid.addRow(row++, key("RTT"), rtt);

        Button copyRelay = new Button("Copy _relay contact");
        copyRelay.setId("copyRelay");
        copyRelay.disableProperty().bind(relay.contactProperty().isEmpty());
        copyRelay.setOnAction(e -> copy(relay.contactProperty().get()));
        Button copyOwn = new Button("Copy _my contact");
        copyOwn.setId("copyOwn");
        copyOwn.disableProperty().bind(relay.ownContactProperty().isEmpty());
        copyOwn.setOnAction(e -> copy(relay.ownContactProperty().get()));
        grid.addRow(row++, key("My contact"), selectable("ownContact", relay.ownContactProperty()));
        grid.add(new javafx.scene.layout.HBox(8, copyOwn, copyRelay), 0, row, 2, 1);
        setContent(grid);
    }

    static void copy(String text) {
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        Clipboard.getSystemClipboard().setContent(content);
    }

    private static Label key(String text) {
        Label label = new Label(text);
        label.getStyleClass().add("key");
        return label;
    }

    private static Label value(String id, javafx.beans.value.ObservableValue<String> text) {
        Label label = new Label();
        label.setId(id);
        label.textProperty().bind(text);
        return label;
    }

    /** A read-only field, so that long pins can be selected and copied with the keyboard. */
    private static TextField selectable(String id, javafx.beans.value.ObservableValue<String> text) {
        TextField field = new TextField();
        field.setId(id);
        field.setEditable(false);
        field.getStyleClass().add("selectable");
        field.textProperty().bind(text);
        field.setPrefColumnCount(28);
        return field;
    }
}
