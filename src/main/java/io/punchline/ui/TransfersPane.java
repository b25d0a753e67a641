package io.punchline.ui;

import io.punchline.transfer.IncomingOffer;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.TransferList;
import io.punchline.ui.model.TransferRow;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The transfers tab: offers waiting for an answer as banners on top (accept all into the download folder, choose
 * entries and folder, decline), then every transfer of this run with its direction, peer, files, progress, bytes,
 * rate, current file, network path and state, with Cancel while it runs and Open folder when it is done.
 */
final class TransfersPane extends VBox {

    private final DashboardModel model;
    private final MainWindow.Actions actions;
    private final VBox offers = new VBox(6);
    final TableView<TransferRow> table = new TableView<>();

    TransfersPane(DashboardModel model, MainWindow.Actions actions) {
        super(8);
        this.model = model;
        this.actions = actions;
        setId("transfersPane");
        offers.setId("offersBox");
        model.transfers().offers().addListener((ListChangeListener<IncomingOffer>) change -> showOffers());

        table.setId("transfersTable");
        table.setItems(model.transfers().rows());
        // the rows change in place (progress); one refresh per batch of events, never one per packet
        model.transfers().rows().addListener((ListChangeListener<TransferRow>) change -> refreshLater());
        table.setPlaceholder(new Label("No transfers yet: drop files or folders on a paired peer, or use Send files…"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(text("", 28, row -> TransferRow.IN.equals(row.direction()) ? "↓" : "↑"));
        table.getColumns().add(text("Peer", 76, row -> row.peerNameProperty().get()));
        TableColumn<TransferRow, TransferRow> progress = new TableColumn<>("Progress");
        progress.setPrefWidth(88);
        progress.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        progress.setCellFactory(c -> new TableCell<>() {
            private final ProgressBar bar = new ProgressBar();

            {
                bar.setMaxWidth(Double.MAX_VALUE);
            }

            @Override
            protected void updateItem(TransferRow row, boolean empty) {
                super.updateItem(row, empty);
                if (empty || row == null) {
                    setGraphic(null);
                    return;
                }
                double fraction = row.fraction();
                bar.setProgress(row.state() == TransferRow.State.OFFERED ? 0 : fraction < 0 ? ProgressBar.INDETERMINATE_PROGRESS : fraction);
                bar.getStyleClass().removeAll("failed", "hashing");
                if (row.state() == TransferRow.State.FAILED || row.state() == TransferRow.State.CANCELLED
                        || row.state() == TransferRow.State.DECLINED) {
                    bar.getStyleClass().add("failed");
                } else if (row.state() == TransferRow.State.HASHING) {
                    bar.getStyleClass().add("hashing");
                }
                setGraphic(bar);
            }
        });
        table.getColumns().add(progress);
        table.getColumns().add(text("Bytes", 134, row -> TransferList.human(row.bytesProperty().get())
                + (row.totalProperty().get() >= 0 ? " / " + TransferList.human(row.totalProperty().get()) : "")));
        table.getColumns().add(text("Rate", 72, row -> row.state() == TransferRow.State.RUNNING
                || row.state() == TransferRow.State.DONE ? Format.rate(row.bytesPerSecondProperty().get()) : ""));
        table.getColumns().add(text("Path", 52, row -> row.networkPathProperty().get()));
        // last, so it takes the width left: the state, with the file being moved or the outcome
        TableColumn<TransferRow, String> status = text("Status", 180, row -> row.state().label()
                + (row.state() == TransferRow.State.RUNNING && !row.currentFileProperty().get().isEmpty()
                ? ": " + row.currentFileProperty().get() + " (" + row.filesProperty().get() + " files)"
                : row.messageProperty().get().isEmpty() || row.state() == TransferRow.State.CANCELLED ? ""
                : ": " + row.messageProperty().get()));
        TableColumn<TransferRow, TransferRow> act = new TableColumn<>("");
        act.setPrefWidth(84);
        act.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        act.setCellFactory(c -> new TableCell<>() {
            private final Button cancel = new Button("Cancel");
            private final Button open = new Button("Open");

            {
                cancel.getStyleClass().add("transfer-cancel");
                open.getStyleClass().add("transfer-open");
                open.setTooltip(new javafx.scene.control.Tooltip("Open the folder the files went to"));
                cancel.setOnAction(e -> actions.cancelTransfer(getItem().id()));
                open.setOnAction(e -> actions.openFolder(getItem().folderProperty().get()));
            }

            @Override
            protected void updateItem(TransferRow row, boolean empty) {
                super.updateItem(row, empty);
                if (empty || row == null) {
                    setGraphic(null);
                } else if (!row.state().ended()) {
                    setGraphic(cancel);
                } else if (row.state() == TransferRow.State.DONE && row.folderProperty().get() != null) {
                    setGraphic(open);
                } else {
                    setGraphic(null);
                }
            }
        });
        table.getColumns().add(act);
        table.getColumns().add(status);
        VBox.setVgrow(table, Priority.ALWAYS);
        getChildren().setAll(offers, table);
        showOffers();
    }

    private boolean refreshPending;
    /** The entry picker opened last (tests). */
    OfferDialog lastOfferDialog;

    private void refreshLater() {
        if (!refreshPending) {
            refreshPending = true;
            javafx.application.Platform.runLater(() -> {
                refreshPending = false;
                table.refresh();
            });
        }
    }

    private static TableColumn<TransferRow, String> text(String title, double width, Function<TransferRow, String> value) {
        TableColumn<TransferRow, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(c -> new ReadOnlyStringWrapper(value.apply(c.getValue())));
        // a value cut short by the column's width is whole in the tooltip
        column.setCellFactory(c -> new TableCell<>() {
            private final javafx.scene.control.Tooltip tip = new javafx.scene.control.Tooltip();

            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                setText(empty ? null : text);
                tip.setText(text);
                setTooltip(empty || text == null || text.isEmpty() ? null : tip);
            }
        });
        return column;
    }

    private void showOffers() {
        offers.getChildren().clear();
        for (IncomingOffer offer : model.transfers().offers()) {
            String name = model.nameOf(offer.peer().fingerprint());
            Label text = new Label(name + " offers " + offer.manifest().fileCount() + " files ("
                    + TransferList.human(offer.manifest().totalBytes()) + ")");
            text.getStyleClass().add("offer-text");
            Button all = new Button("Accept all");
            all.getStyleClass().add("offer-accept-all");
            all.setOnAction(e -> actions.accept(offer, downloadFolder(), null));
            Button choose = new Button("Choose…");
            choose.getStyleClass().add("offer-choose");
            choose.setOnAction(e -> choose(offer, name));
            Button decline = new Button("Decline");
            decline.getStyleClass().add("offer-decline");
            decline.setOnAction(e -> actions.decline(offer));
            Region gap = new Region();
            HBox.setHgrow(gap, Priority.ALWAYS);
            HBox banner = new HBox(8, text, gap, all, choose, decline);
            banner.getStyleClass().add("offer-banner");
            banner.setId("offer-" + offer.id().hex());
            offers.getChildren().add(banner);
        }
    }

    /** The settings' download folder, else ~/Downloads. */
    Path downloadFolder() {
        String configured = actions.settings().downloadFolder();
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), "Downloads");
    }

    /** Opens the entry picker for an offer; runs the answer. */
    OfferDialog choose(IncomingOffer offer, String name) {
        OfferDialog dialog = new OfferDialog(getScene().getWindow(), offer, name, downloadFolder());
        dialog.setOnHidden(e -> {
            OfferDialog.Answer answer = dialog.getResult();
            if (answer == null || !model.transfers().offers().contains(offer)) {
                return;
            }
            if (answer.folder() == null) {
                actions.decline(offer);
            } else {
                actions.accept(offer, answer.folder(), answer.selection());
            }
        });
        lastOfferDialog = dialog;
        dialog.show();
        return dialog;
    }
}
