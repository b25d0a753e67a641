package io.punchline.ui;

import io.punchline.ui.model.CandidateRow;
import io.punchline.ui.model.CandidateState;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.PeerModel;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;

import java.util.List;
import java.util.function.Function;

/** Local and remote candidates of the selected session: type, address, state, last RTT; the live one marked. */
final class CandidatesTable extends TableView<CandidateRow> {

    private static final PseudoClass LIVE = PseudoClass.getPseudoClass("live");

    CandidatesTable(DashboardModel model) {
        setId("candidatesTable");
        setPlaceholder(new Label("Candidates appear when a session starts"));
        setColumnResizePolicy(CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<CandidateRow, String> side = column("Side", 70, row -> row.side());
        TableColumn<CandidateRow, String> type = column("Type", 70, CandidateRow::type);
        TableColumn<CandidateRow, String> address = column("Address", 220, CandidateRow::address);
        TableColumn<CandidateRow, String> state = new TableColumn<>("State");
        state.setPrefWidth(100);
        state.setCellValueFactory(c -> c.getValue().stateProperty().map(CandidateState::label));
        TableColumn<CandidateRow, String> rtt = new TableColumn<>("Last RTT");
        rtt.setPrefWidth(90);
        rtt.setCellValueFactory(c -> c.getValue().lastRttMillisProperty().map(v -> Format.rtt(v.longValue())));
        TableColumn<CandidateRow, String> live = new TableColumn<>("Live");
        live.setPrefWidth(60);
        live.setCellValueFactory(c -> c.getValue().liveProperty().map(v -> v ? "●" : ""));
        getColumns().setAll(List.of(side, type, address, state, rtt, live));
        setRowFactory(table -> new TableRow<>() {
            @Override
            protected void updateItem(CandidateRow item, boolean empty) {
                super.updateItem(item, empty);
                pseudoClassStateChanged(LIVE, !empty && item != null && item.liveProperty().get());
            }
        });
        model.selectedProperty().addListener((o, old, now) -> show(now));
        show(model.selected());
    }

    private void show(PeerModel peer) {
        setItems(peer == null ? FXCollections.observableArrayList() : peer.candidates());
    }

    private static TableColumn<CandidateRow, String> column(String title, double width,
                                                           Function<CandidateRow, String> value) {
        TableColumn<CandidateRow, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(c -> new ReadOnlyStringWrapper(value.apply(c.getValue())));
        return column;
    }
}
