package io.punchline.ui;

import io.punchline.engine.EngineEvent;
import io.punchline.engine.EngineEvent.CancelledBy;
import io.punchline.engine.EngineEvent.Direction;
import io.punchline.engine.EngineEvent.NetworkPath;
import io.punchline.engine.EngineEvent.SessionSide;
import io.punchline.pairing.RememberedPeers;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.TransferList;
import io.punchline.ui.model.TransferRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The transfers tab's view model from scripted {@code transfer.*} events, without a display. */
class TransferListTest {

    private static final String PEER = DashboardModelTest.PEER;

    @Test
    void anOutgoingTransferGoesFromHashingToDoneWithProgressRateAndPath() {
        DashboardModel model = new DashboardModel();
        List<TransferList.Notice> notices = new ArrayList<>();
        model.transfers().onNotice(notices::add);
        model.setRemembered(List.of(new RememberedPeers.Peer("laptop", PEER, "AAAA", "", "2024-01-01T00:00:00Z",
                "2024-01-01T00:00:00Z")));
        model.apply(new EngineEvent.TransferHashing(PEER, "t1", 100, 1000, "a.bin"), 0);
        TransferRow row = model.transfers().row("t1");
        assertThat(row.state()).isEqualTo(TransferRow.State.HASHING);
        assertThat(row.direction()).isEqualTo(TransferRow.OUT);
        assertThat(row.peerNameProperty().get()).isEqualTo("laptop");
        model.apply(new EngineEvent.TransferOffered(PEER, "t1", Direction.OUT, 2, 1000), 1);
        assertThat(row.state()).isEqualTo(TransferRow.State.OFFERED);
        assertThat(row.filesProperty().get()).isEqualTo(2);
        model.apply(new EngineEvent.TransferProgress(PEER, "t1", 400, 1000, 2_000_000, NetworkPath.RELAY, "a.bin"), 2);
        assertThat(row.state()).isEqualTo(TransferRow.State.RUNNING);
        assertThat(row.fraction()).isEqualTo(0.4);
        assertThat(row.networkPathProperty().get()).isEqualTo("relay");
        assertThat(row.bytesPerSecondProperty().get()).isEqualTo(2_000_000);
        model.apply(new EngineEvent.TransferProgress(PEER, "t1", 900, 1000, 3_000_000, NetworkPath.DIRECT, "b.txt"), 3);
        assertThat(row.networkPathProperty().get()).isEqualTo("direct");
        assertThat(row.currentFileProperty().get()).isEqualTo("b.txt");
        model.apply(new EngineEvent.TransferFinished(PEER, "t1", 1000, 500, "", 2), 4);
        assertThat(row.state()).isEqualTo(TransferRow.State.DONE);
        assertThat(row.fraction()).isEqualTo(1.0);
        assertThat(row.messageProperty().get()).isEqualTo("sent 2 files, verified");
        assertThat(notices).singleElement().satisfies(n -> {
            assertThat(n.title()).isEqualTo("Transfer finished");
            assertThat(n.text()).contains("to laptop");
        });
        assertThat(model.transfers().rows()).hasSize(1);
    }

    @Test
    void failuresCancelsAndDeclinesEndRowsAndNotify() {
        DashboardModel model = new DashboardModel();
        List<TransferList.Notice> notices = new ArrayList<>();
        model.transfers().onNotice(notices::add);
        model.apply(new EngineEvent.TransferOffered(PEER, "in1", Direction.IN, 1, 10), 0);
        model.apply(new EngineEvent.TransferProgress(PEER, "in1", 5, 10, 100, NetworkPath.RELAY, "x"), 1);
        model.apply(new EngineEvent.TransferFailed(PEER, "in1", "connection lost: peer gone"), 2);
        model.apply(new EngineEvent.TransferOffered(PEER, "out1", Direction.OUT, 1, 10), 3);
        model.apply(new EngineEvent.TransferDeclined(PEER, "out1"), 4);
        model.apply(new EngineEvent.TransferOffered(PEER, "out2", Direction.OUT, 1, 10), 5);
        model.apply(new EngineEvent.TransferCancelled(PEER, "out2", CancelledBy.US), 6);
        // a late progress event does not revive an ended transfer
        model.apply(new EngineEvent.TransferProgress(PEER, "in1", 6, 10, 100, NetworkPath.RELAY, "x"), 7);

        assertThat(model.transfers().row("in1").state()).isEqualTo(TransferRow.State.FAILED);
        assertThat(model.transfers().row("in1").messageProperty().get()).contains("peer gone");
        assertThat(model.transfers().row("out1").state()).isEqualTo(TransferRow.State.DECLINED);
        assertThat(model.transfers().row("out1").messageProperty().get()).isEqualTo("declined by the peer");
        assertThat(model.transfers().row("out2").state()).isEqualTo(TransferRow.State.CANCELLED);
        assertThat(model.transfers().rows()).extracting(TransferRow::id).containsExactly("out2", "out1", "in1");
        assertThat(notices).extracting(TransferList.Notice::title).containsExactly("Transfer failed", "Files declined");
    }

    @Test
    void testStreamsStayOutOfTheTransferList() {
        DashboardModel model = new DashboardModel();
        model.apply(new EngineEvent.TransferProgress(PEER, "test1", 5, 10, 100, NetworkPath.RELAY, ""), 0);
        model.apply(new EngineEvent.TransferFinished(PEER, "test1", 10, 5, "ab".repeat(32), 0), 1);
        assertThat(model.transfers().rows()).isEmpty();
    }

    @Test
    void pairedPeersAreOnlineWhileTheirSessionIsOpen() {
        DashboardModel model = new DashboardModel();
        model.setRemembered(List.of(new RememberedPeers.Peer("laptop", PEER, "AAAA", "", "2024-01-01T00:00:00Z",
                "2024-01-01T00:00:00Z")));
        assertThat(model.remembered().get(0).onlineProperty().get()).isFalse();
        assertThat(model.remembered().get(0).status(java.time.Instant.parse("2024-01-01T00:05:00Z")))
                .isEqualTo("○ last seen 5 min ago");
        model.apply(new EngineEvent.SessionOpened(PEER, SessionSide.DIALLER, "10.0.0.1:1", "X25519MLKEM768"), 0);
        assertThat(model.remembered().get(0).onlineProperty().get()).isTrue();
        assertThat(model.remembered().get(0).status(java.time.Instant.now())).isEqualTo("● online");
        model.apply(new EngineEvent.SessionClosed(PEER, "idle"), 1);
        assertThat(model.remembered().get(0).onlineProperty().get()).isFalse();
    }

    @Test
    void wordCompletionCompletesTheLastWord() {
        assertThat(PairingDialog.suggestions("42-abandon-abi")).containsExactly("42-abandon-ability");
        assertThat(PairingDialog.suggestions("42")).isEmpty();
        assertThat(PairingDialog.suggestions("42-zoo")).isEmpty();
    }
}
