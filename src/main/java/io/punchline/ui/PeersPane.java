package io.punchline.ui;

import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.PeerModel;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.function.Consumer;

/**
 * The peers: this run's sessions (remembered peers join this list in phase 2), and a field to dial a contact
 * {@code PEER@BIND@RELAY} (the pairing dialog replaces it in phase 2).
 */
final class PeersPane extends TitledPane {

    final TextField contact = new TextField();

    PeersPane(DashboardModel model, Consumer<String> dial, Consumer<String> sendTestData) {
        setText("Peers");
        setCollapsible(false);
        setId("peersPane");
        ListView<PeerModel> list = new ListView<>(model.peers());
        list.setId("peersList");
        list.setPlaceholder(new Label("No session yet"));
        list.setCellFactory(view -> new ListCell<>() {
            @Override
            protected void updateItem(PeerModel peer, boolean empty) {
                super.updateItem(peer, empty);
                if (empty || peer == null) {
                    setText(null);
                    return;
                }
                String rtt = peer.rttMillisProperty().get() < 0 ? "" : ", " + Format.rtt(peer.rttMillisProperty().get());
                setText(peer.shortPeer() + "\n" + (peer.openProperty().get()
                        ? peer.sideProperty().get() + ", " + peer.path() + rtt
                        : "closed: " + peer.closeReasonProperty().get()));
            }
        });
        list.getSelectionModel().selectedItemProperty().addListener((o, old, now) -> {
            if (now != null) {
                model.selectedProperty().set(now);
            }
        });
        model.selectedProperty().addListener((o, old, now) -> list.getSelectionModel().select(now));
        VBox.setVgrow(list, Priority.ALWAYS);

        contact.setId("dialContact");
        contact.setPromptText("PEER@BIND@RELAY");
        contact.setOnAction(e -> submit(dial));
        Button go = new Button("_Dial");
        go.setId("dialButton");
        go.setOnAction(e -> submit(dial));
        go.disableProperty().bind(contact.textProperty().isEmpty());
        HBox.setHgrow(contact, Priority.ALWAYS);
        Label label = new Label("_Contact to dial:");
        label.setMnemonicParsing(true);
        label.setLabelFor(contact);
        Button test = new Button("Send _test data (20 MB)");
        test.setId("sendTest");
        test.setMaxWidth(Double.MAX_VALUE);
        test.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> model.selected() == null || !model.selected().openProperty().get(), model.selectedProperty(),
                model.peers()));
        test.setOnAction(e -> sendTestData.accept(model.selected().peer()));
        VBox box = new VBox(8, list, test, label, new HBox(6, contact, go));
        setContent(box);
        setMaxHeight(Double.MAX_VALUE);
    }

    private void submit(Consumer<String> dial) {
        String text = contact.getText().trim();
        if (!text.isEmpty()) {
            dial.accept(text);
            contact.clear();
        }
    }
}
