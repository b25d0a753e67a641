package io.punchline.ui;

import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.PeerModel;
import io.punchline.ui.model.RememberedPeerRow;
import javafx.beans.binding.Bindings;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.TitledPane;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The peers: the paired (remembered) peers with their status (online: an open session; else when last seen), where
 * files and folders are dropped to send them, with Pair, Send, Rename and Forget; below, this run's sessions and a
 * field to dial a raw contact {@code PEER@BIND@RELAY} (test data, diagnostics).
 */
final class PeersPane extends TitledPane {

    final TextField contact = new TextField();
    final ListView<RememberedPeerRow> remembered;
    private final MainWindow.Actions actions;
    private final Runnable pair;

    PeersPane(DashboardModel model, MainWindow.Actions actions, Runnable pair) {
        this.actions = actions;
        this.pair = pair;
        setText("Peers");
        setCollapsible(false);
        setId("peersPane");

        remembered = new ListView<>(model.remembered());
        remembered.setId("rememberedList");
        remembered.setPlaceholder(new Label("No paired device yet:\nPair (Ctrl+P) to send files"));
        remembered.setPrefHeight(220);
        remembered.setCellFactory(view -> new RememberedCell());
        Button pairButton = new Button("_Pair…");
        pairButton.setId("pairButton");
        pairButton.setOnAction(e -> pair.run());
        Button send = new Button("_Send…");
        send.setId("sendFilesButton");
        Button folder = new Button("_Folder…");
        folder.setId("sendFolderButton");
        Button rename = new Button("_Rename…");
        rename.setId("renameButton");
        Button forget = new Button("F_orget…");
        forget.setId("forgetButton");
        var none = remembered.getSelectionModel().selectedItemProperty().isNull();
        send.disableProperty().bind(none);
        folder.disableProperty().bind(none);
        rename.disableProperty().bind(none);
        forget.disableProperty().bind(none);
        send.setOnAction(e -> chooseFiles(selectedName()));
        folder.setOnAction(e -> chooseFolder(selectedName()));
        rename.setOnAction(e -> rename(selectedName()));
        forget.setOnAction(e -> forget(selectedName()));
        pairButton.setTooltip(new javafx.scene.control.Tooltip("Pair with a device by code (Ctrl+P)"));
        send.setTooltip(new javafx.scene.control.Tooltip("Send files to the selected peer (or drop them on it)"));
        folder.setTooltip(new javafx.scene.control.Tooltip("Send a folder to the selected peer"));
        javafx.scene.layout.FlowPane row1 = new javafx.scene.layout.FlowPane(6, 6, pairButton, send, folder, rename, forget);

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
                setText(model.nameOf(peer.peer()) + "\n" + (peer.openProperty().get()
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
        contact.setOnAction(e -> submit());
        Button go = new Button("_Dial");
        go.setId("dialButton");
        go.setOnAction(e -> submit());
        go.disableProperty().bind(contact.textProperty().isEmpty());
        HBox.setHgrow(contact, Priority.ALWAYS);
        Label label = new Label("_Contact to dial:");
        label.setMnemonicParsing(true);
        label.setLabelFor(contact);
        Button test = new Button("Send _test data (20 MB)");
        test.setId("sendTest");
        test.setMaxWidth(Double.MAX_VALUE);
        test.disableProperty().bind(Bindings.createBooleanBinding(
                () -> model.selected() == null || !model.selected().openProperty().get(), model.selectedProperty(),
                model.peers()));
        test.setOnAction(e -> actions.sendTestData(model.selected().peer()));
        Label pairedTitle = new Label("Paired devices (drop files on one to send)");
        pairedTitle.getStyleClass().add("pane-subtitle");
        Label sessionsTitle = new Label("Sessions");
        sessionsTitle.getStyleClass().add("pane-subtitle");
        VBox box = new VBox(8, pairedTitle, remembered, row1, sessionsTitle, list, test, label,
                new HBox(6, contact, go));
        setContent(box);
        setMaxHeight(Double.MAX_VALUE);
    }

    private String selectedName() {
        RememberedPeerRow row = remembered.getSelectionModel().getSelectedItem();
        return row == null ? null : row.name();
    }

    private void submit() {
        String text = contact.getText().trim();
        if (!text.isEmpty()) {
            actions.dial(text);
            contact.clear();
        }
    }

    /** "online" or "last seen 5 min ago". */
    static String status(RememberedPeerRow row, Instant now) {
        return row.status(now);
    }

    void send(String peer, List<File> files) {
        if (peer == null || files == null || files.isEmpty()) {
            return;
        }
        List<Path> paths = files.stream().map(File::toPath).toList();
        actions.sendFiles(peer, paths).exceptionally(e -> null);
    }

    private void chooseFiles(String peer) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Send files to " + peer);
        send(peer, chooser.showOpenMultipleDialog(getScene().getWindow()));
    }

    private void chooseFolder(String peer) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Send a folder to " + peer);
        File chosen = chooser.showDialog(getScene().getWindow());
        if (chosen != null) {
            send(peer, List.of(chosen));
        }
    }

    /** Asks for a new name; a clash or an empty name is reported in an error dialog. */
    void rename(String name) {
        if (name == null) {
            return;
        }
        TextInputDialog dialog = new TextInputDialog(name);
        dialog.initOwner(getScene().getWindow());
        dialog.setTitle("Rename " + name);
        dialog.setHeaderText("The name this device uses for the peer (only here).");
        dialog.getDialogPane().setId("renameDialog");
        dialog.setOnHidden(e -> {
            String result = dialog.getResult();
            if (result != null && !result.strip().equals(name)) {
                actions.renamePeer(name, result).whenComplete((ok, error) -> {
                    if (error != null) {
                        showError("Could not rename " + name, cause(error).getMessage());
                    }
                });
            }
        });
        dialog.show();
    }

    /** Asks for confirmation, then forgets the peer. */
    void forget(String name) {
        if (name == null) {
            return;
        }
        ButtonType forget = new ButtonType("Forget", ButtonBar.ButtonData.OK_DONE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, name + " will no longer be able to reach this device or "
                + "send it files until you pair again.", forget, ButtonType.CANCEL);
        alert.initOwner(getScene().getWindow());
        alert.setHeaderText("Forget " + name + "?");
        alert.getDialogPane().setId("forgetDialog");
        alert.setOnHidden(e -> {
            if (alert.getResult() == forget) {
                actions.forgetPeer(name).whenComplete((ok, error) -> {
                    if (error != null) {
                        showError("Could not forget " + name, cause(error).getMessage());
                    }
                });
            }
        });
        alert.show();
    }

    private void showError(String header, String message) {
        Alert alert = new Alert(Alert.AlertType.ERROR, message, ButtonType.OK);
        alert.initOwner(getScene().getWindow());
        alert.setHeaderText(header);
        alert.getDialogPane().setId("peerError");
        alert.show();
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private final class RememberedCell extends ListCell<RememberedPeerRow> {
        RememberedCell() {
            setOnDragOver(this::dragOver);
            setOnDragDropped(this::dropped);
            MenuItem send = new MenuItem("Send files…");
            send.setOnAction(e -> chooseFiles(getItem().name()));
            MenuItem folder = new MenuItem("Send a folder…");
            folder.setOnAction(e -> chooseFolder(getItem().name()));
            MenuItem rename = new MenuItem("Rename…");
            rename.setOnAction(e -> PeersPane.this.rename(getItem().name()));
            MenuItem forget = new MenuItem("Forget…");
            forget.setOnAction(e -> PeersPane.this.forget(getItem().name()));
            setContextMenu(new ContextMenu(send, folder, rename, forget));
        }

        private void dragOver(DragEvent event) {
            if (getItem() != null && event.getDragboard().hasFiles()) {
                event.acceptTransferModes(TransferMode.COPY);
            }
            event.consume();
        }

        private void dropped(DragEvent event) {
            boolean done = false;
            if (getItem() != null && event.getDragboard().hasFiles()) {
                send(getItem().name(), event.getDragboard().getFiles());
                done = true;
            }
            event.setDropCompleted(done);
            event.consume();
        }

        @Override
        protected void updateItem(RememberedPeerRow row, boolean empty) {
            super.updateItem(row, empty);
            getStyleClass().removeAll("peer-online", "peer-offline");
            if (empty || row == null) {
                setText(null);
                return;
            }
            getStyleClass().add(row.onlineProperty().get() ? "peer-online" : "peer-offline");
            setText(row.name() + "\n" + status(row, Instant.now()));
        }
    }
}
