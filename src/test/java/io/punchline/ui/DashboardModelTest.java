package io.punchline.ui;

import io.punchline.engine.EngineEvent;
import io.punchline.engine.EngineEvent.CandidateType;
import io.punchline.engine.EngineEvent.NetworkPath;
import io.punchline.engine.EngineEvent.PunchOutcome;
import io.punchline.engine.EngineEvent.SessionSide;
import io.punchline.engine.EventBus;
import io.punchline.ui.model.CandidateRow;
import io.punchline.ui.model.CandidateState;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.EventPump;
import io.punchline.ui.model.Meter;
import io.punchline.ui.model.PathMark;
import io.punchline.ui.model.PeerModel;
import io.punchline.ui.model.PunchRound;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The event-to-model rules, driven by scripted event streams as the engine publishes them; no display needed. */
class DashboardModelTest {

    static final String PEER = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

    /** A session that fails one round, validates the second, goes direct, then falls back to the relay. */
    static List<EngineEvent> punchAndFallback() {
        return List.of(
                new EngineEvent.RelayBound("127.0.0.1:4433#AA#BB", "/127.0.0.1:40001"),
                new EngineEvent.SessionOpened(PEER, SessionSide.DIALLER, "/127.0.0.1:40002", "X25519MLKEM768"),
                new EngineEvent.CandidateAdded(PEER, true, CandidateType.HOST, "/192.168.1.10:50000"),
                new EngineEvent.CandidateAdded(PEER, true, CandidateType.SERVER_REFLEXIVE, "/203.0.113.5:61000"),
                new EngineEvent.CandidateAdded(PEER, true, CandidateType.RELAYED, "/127.0.0.1:40001"),
                new EngineEvent.CandidateAdded(PEER, false, CandidateType.RELAYED, "/127.0.0.1:40002"),
                new EngineEvent.CandidateAdded(PEER, false, CandidateType.HOST, "/192.168.1.20:50001"),
                new EngineEvent.CandidateAdded(PEER, false, CandidateType.SERVER_REFLEXIVE, "/198.51.100.9:62000"),
                new EngineEvent.PunchStarted(PEER, 1, List.of("/192.168.1.10:50000->/192.168.1.20:50001")),
                new EngineEvent.PunchFinished(PEER, 1, PunchOutcome.FAILED, null),
                new EngineEvent.PunchStarted(PEER, 2, List.of("/203.0.113.5:61000->/198.51.100.9:62000",
                        "/192.168.1.10:50000->/198.51.100.9:62000")),
                new EngineEvent.PathValidated(PEER, "/198.51.100.9:62000", 23),
                new EngineEvent.PunchFinished(PEER, 2, PunchOutcome.VALIDATED, "/198.51.100.9:62000"),
                new EngineEvent.PathSwitched(PEER, NetworkPath.DIRECT, "/198.51.100.9:62000"),
                new EngineEvent.PathFallback(PEER, "/198.51.100.9:62000", "no probe answer for 5 s"),
                new EngineEvent.PathSwitched(PEER, NetworkPath.RELAY, "/127.0.0.1:40002"));
    }

    private static DashboardModel play(List<EngineEvent> events, int upTo) {
        DashboardModel model = new DashboardModel();
        for (int i = 0; i < upTo; i++) {
            model.apply(events.get(i), 1000L * i);
        }
        return model;
    }

    private static CandidateRow row(PeerModel peer, boolean local, String address) {
        return peer.candidates().stream().filter(r -> r.local() == local && r.address().equals(address))
                .findFirst().orElseThrow();
    }

    @Test
    void relayBoundConnectsTheRelayPaneWithThePublicAddress() {
        DashboardModel model = play(punchAndFallback(), 1);
        assertThat(model.relay().connectedProperty().get()).isTrue();
        assertThat(model.relay().publicAddressProperty().get()).isEqualTo("127.0.0.1:40001");
        model.apply(new EngineEvent.RelayLost("r", "idle timeout"), 5);
        assertThat(model.relay().connectedProperty().get()).isFalse();
        assertThat(model.relay().lostReasonProperty().get()).isEqualTo("idle timeout");
    }

    @Test
    void aSessionStartsRelayedAndIsSelected() {
        DashboardModel model = play(punchAndFallback(), 2);
        PeerModel peer = model.selected();
        assertThat(peer.peer()).isEqualTo(PEER);
        assertThat(peer.path()).isEqualTo("relay");
        assertThat(peer.pathAddress()).isEqualTo("127.0.0.1:40002");
    }

    @Test
    void candidatesStartNewAndRelayCandidatesValidated() {
        PeerModel peer = play(punchAndFallback(), 8).selected();
        assertThat(peer.candidates()).hasSize(6);
        assertThat(row(peer, true, "192.168.1.10:50000").state()).isEqualTo(CandidateState.NEW);
        assertThat(row(peer, false, "127.0.0.1:40002").state()).isEqualTo(CandidateState.VALIDATED);
        assertThat(row(peer, false, "127.0.0.1:40002").liveProperty().get()).isTrue();
    }

    @Test
    void aPunchRoundMarksItsPairsPunchingAndAFailedRoundMarksThemFailed() {
        List<EngineEvent> events = punchAndFallback();
        PeerModel peer = play(events, 9).selected();
        assertThat(row(peer, true, "192.168.1.10:50000").state()).isEqualTo(CandidateState.PUNCHING);
        assertThat(row(peer, false, "192.168.1.20:50001").state()).isEqualTo(CandidateState.PUNCHING);
        assertThat(peer.rounds()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("running");
            assertThat(r.pairs()).containsExactly("192.168.1.10:50000 -> 192.168.1.20:50001");
        });

        peer = play(events, 10).selected();
        assertThat(row(peer, false, "192.168.1.20:50001").state()).isEqualTo(CandidateState.FAILED);
        assertThat(peer.rounds().get(0).outcome()).isEqualTo("failed");
    }

    @Test
    void aValidatedRoundValidatesTheRemoteCandidateWithItsRttAndTheSwitchMakesItLive() {
        PeerModel peer = play(punchAndFallback(), 14).selected();
        CandidateRow answered = row(peer, false, "198.51.100.9:62000");
        assertThat(answered.state()).isEqualTo(CandidateState.VALIDATED);
        assertThat(answered.lastRttMillisProperty().get()).isEqualTo(23);
        assertThat(answered.liveProperty().get()).isTrue();
        assertThat(row(peer, false, "127.0.0.1:40002").liveProperty().get()).isFalse();
        assertThat(peer.rounds()).hasSize(2);
        assertThat(peer.rounds().get(1).outcome()).isEqualTo("validated");
        assertThat(peer.rounds().get(1).validatedPairProperty().get()).isEqualTo("198.51.100.9:62000");
        assertThat(peer.rounds().get(1).finishedMillisProperty().get() - peer.rounds().get(1).startedMillis())
                .isEqualTo(2000);
        assertThat(row(peer, true, "203.0.113.5:61000").state()).isEqualTo(CandidateState.VALIDATED);
        assertThat(row(peer, true, "192.168.1.10:50000").state()).isEqualTo(CandidateState.VALIDATED);
        assertThat(peer.path()).isEqualTo("direct");
        assertThat(peer.pathAddress()).isEqualTo("198.51.100.9:62000");
        assertThat(peer.marks()).extracting(PathMark::kind).containsExactly(PathMark.Kind.DIRECT);
    }

    @Test
    void aFallbackPutsTheSessionBackOnTheRelayAndMarksTheMoment() {
        List<EngineEvent> events = punchAndFallback();
        PeerModel peer = play(events, events.size()).selected();
        assertThat(peer.path()).isEqualTo("relay");
        assertThat(peer.pathAddress()).isEqualTo("127.0.0.1:40002");
        assertThat(row(peer, false, "198.51.100.9:62000").state()).isEqualTo(CandidateState.FAILED);
        assertThat(row(peer, false, "127.0.0.1:40002").liveProperty().get()).isTrue();
        assertThat(peer.marks()).extracting(PathMark::kind)
                .containsExactly(PathMark.Kind.DIRECT, PathMark.Kind.FALLBACK, PathMark.Kind.RELAY);
        assertThat(peer.marks().get(1).millis()).isEqualTo(14_000);
    }

    @Test
    void aResponderPunchNamesOnlyTheRemoteAddress() {
        DashboardModel model = play(punchAndFallback(), 8);
        model.apply(new EngineEvent.PunchStarted(PEER, 7, List.of("/198.51.100.9:62000")), 1);
        PeerModel peer = model.selected();
        assertThat(row(peer, false, "198.51.100.9:62000").state()).isEqualTo(CandidateState.PUNCHING);
        assertThat(peer.rounds().get(0).pairs()).containsExactly("-> 198.51.100.9:62000");
    }

    @Test
    void hardNatPunchingShowsAsASprayRowWithWhatWasTriedAndHowItEnded() {
        DashboardModel model = new DashboardModel();
        model.apply(new EngineEvent.SessionOpened(PEER, EngineEvent.SessionSide.DIALLER, "/192.0.2.1:40000", "X25519MLKEM768"), 0);
        model.apply(new EngineEvent.PunchSpray(PEER, EngineEvent.SpraySide.PROBES, 2048, "198.51.100.9"), 100);
        model.apply(new EngineEvent.PunchSprayFinished(PEER, EngineEvent.SpraySide.PROBES, EngineEvent.SprayOutcome.HIT,
                320, "/198.51.100.9:27121"), 420);
        model.apply(new EngineEvent.PunchSpray(PEER, EngineEvent.SpraySide.PORTS, 256, "/203.0.113.5:61000"), 5000);
        model.apply(new EngineEvent.PunchSprayFinished(PEER, EngineEvent.SpraySide.PORTS,
                EngineEvent.SprayOutcome.EXHAUSTED, 256, null), 13000);
        PeerModel peer = model.selected();
        assertThat(peer.rounds()).hasSize(2);
        PunchRound probes = peer.rounds().get(0);
        assertThat(probes.label()).isEqualTo("spray");
        assertThat(probes.pairs()).containsExactly("-> random ports of 198.51.100.9 (up to 2048)");
        assertThat(probes.outcome()).isEqualTo("validated");
        assertThat(probes.validatedPairProperty().get()).isEqualTo("198.51.100.9:27121 after 320");
        assertThat(probes.finishedMillisProperty().get() - probes.startedMillis()).isEqualTo(320);
        PunchRound ports = peer.rounds().get(1);
        assertThat(ports.pairs()).containsExactly("256 new ports -> 203.0.113.5:61000");
        assertThat(ports.outcome()).isEqualTo("failed");

        String predicted = "203.0.113.5 ports 20002-20065 (sequential from 20001, step 1)";
        model.apply(new EngineEvent.PunchSpray(PEER, EngineEvent.SpraySide.PREDICTED, 64, predicted), 20000);
        model.apply(new EngineEvent.PunchSprayFinished(PEER, EngineEvent.SpraySide.PREDICTED, EngineEvent.SprayOutcome.HIT,
                192, "/203.0.113.5:20002"), 20150);
        PunchRound both = peer.rounds().get(2);
        assertThat(both.pairs()).containsExactly("64 new ports -> predicted " + predicted);
        assertThat(both.outcome()).isEqualTo("validated");
        assertThat(both.validatedPairProperty().get()).isEqualTo("203.0.113.5:20002 after 192");
    }

    @Test
    void aRemovedCandidateLeavesTheTableAndAClosedSessionKeepsItsReason() {
        DashboardModel model = play(punchAndFallback(), 8);
        model.apply(new EngineEvent.CandidateRemoved(PEER, false, "/192.168.1.20:50001"), 1);
        model.apply(new EngineEvent.SessionClosed(PEER, "peer closed"), 2);
        PeerModel peer = model.selected();
        assertThat(peer.candidates()).noneMatch(r -> r.address().equals("192.168.1.20:50001"));
        assertThat(peer.openProperty().get()).isFalse();
        assertThat(peer.closeReasonProperty().get()).isEqualTo("peer closed");
        assertThat(peer.candidates()).noneMatch(r -> r.liveProperty().get());
    }

    @Test
    void throughputIsTheCounterDifferenceOverTheSamplingInterval() {
        DashboardModel model = play(punchAndFallback(), 2);
        model.sample(new Meter(1000, 0, 0, 12, 2, Map.of(PEER, 30L)));
        model.sample(new Meter(1250, 250_000, 50_000, 12, 3, Map.of(PEER, 31L)));
        assertThat(model.samples()).hasSize(2);
        assertThat(model.samples().get(1).relayBytesPerSecond()).isEqualTo(1_000_000);
        assertThat(model.samples().get(1).directBytesPerSecond()).isEqualTo(200_000);
        assertThat(model.samples().get(1).sessionRttMillis()).isEqualTo(31);
        assertThat(model.relay().contextsProperty().get()).isEqualTo(3);
        assertThat(model.relay().rttMillisProperty().get()).isEqualTo(12);
    }

    @Test
    void theChartKeepsTwoMinutesOfSamples() {
        DashboardModel model = new DashboardModel();
        for (int i = 0; i < DashboardModel.HISTORY + 50; i++) {
            model.sample(new Meter(i * 250L, i, 0, -1, 1, Map.of()));
        }
        assertThat(model.samples()).hasSize(DashboardModel.HISTORY);
        assertThat(model.samples().get(0).millis()).isEqualTo(50 * 250L);
    }

    @Test
    void theEventPumpDeliversABurstAsOneBatchInOrder() {
        List<Runnable> scheduled = new ArrayList<>();
        List<List<EventBus.Timed>> batches = new ArrayList<>();
        EventPump pump = new EventPump(scheduled::add, batches::add);
        EventBus bus = new EventBus();
        bus.subscribe(pump);
        punchAndFallback().forEach(bus::publish);
        assertThat(scheduled).hasSize(1);
        scheduled.get(0).run();
        assertThat(batches).singleElement().satisfies(batch -> assertThat(batch).extracting(t -> t.event())
                .containsExactlyElementsOf(punchAndFallback()));
        bus.publish(new EngineEvent.Error("x"));
        assertThat(scheduled).hasSize(2);
    }
}
