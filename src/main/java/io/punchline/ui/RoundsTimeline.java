package io.punchline.ui;

import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.PeerModel;
import io.punchline.ui.model.PunchRound;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

import java.util.List;

/** The punch rounds of the selected session in order: when, the pairs tried, the outcome and how long it took. */
final class RoundsTimeline extends TableView<PunchRound> {

    RoundsTimeline(DashboardModel model) {
        setId("roundsTimeline");
        setPlaceholder(new Label("No punch round yet"));
        setColumnResizePolicy(CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<PunchRound, String> round = new TableColumn<>("Round");
        round.setPrefWidth(60);
        round.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().label()));
        TableColumn<PunchRound, String> at = new TableColumn<>("Started");
        at.setPrefWidth(100);
        at.setCellValueFactory(c -> new ReadOnlyStringWrapper(Format.clock(c.getValue().startedMillis())));
        TableColumn<PunchRound, String> outcome = new TableColumn<>("Outcome");
        outcome.setPrefWidth(90);
        outcome.setCellValueFactory(c -> c.getValue().outcomeProperty());
        outcome.setCellFactory(column -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                for (String state : new String[]{"running", "validated", "failed", "cancelled"}) {
                    pseudoClassStateChanged(PseudoClass.getPseudoClass(state), !empty && state.equals(item));
                }
            }
        });
        TableColumn<PunchRound, String> took = new TableColumn<>("Took");
        took.setPrefWidth(70);
        took.setCellValueFactory(c -> c.getValue().finishedMillisProperty().map(end -> end.longValue() < 0 ? ""
                : (end.longValue() - c.getValue().startedMillis()) + " ms"));
        TableColumn<PunchRound, String> pairs = new TableColumn<>("Pairs tried (local -> remote)");
        pairs.setPrefWidth(420);
        pairs.setCellValueFactory(c -> c.getValue().validatedPairProperty().map(v -> String.join(",  ", c.getValue().pairs())
                + "   ✔ " + v).orElse(String.join(",  ", c.getValue().pairs())));
        getColumns().setAll(List.of(round, at, outcome, took, pairs));
        model.selectedProperty().addListener((o, old, now) -> show(now));
        show(model.selected());
    }

    private void show(PeerModel peer) {
        setItems(peer == null ? FXCollections.observableArrayList() : peer.rounds());
        if (peer != null && !peer.rounds().isEmpty()) {
            scrollTo(peer.rounds().size() - 1);
        }
    }
}
