package io.punchline.ui.model;

import io.punchline.crypto.PeerId;
import io.punchline.engine.EngineEvent.CandidateType;
import io.punchline.engine.EngineEvent.NetworkPath;
import io.punchline.engine.EngineEvent.PunchOutcome;
import io.punchline.engine.EngineEvent.SessionSide;
import io.punchline.engine.EngineEvent.SprayOutcome;
import io.punchline.engine.EngineEvent.SpraySide;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.Arrays;
import java.util.List;

/**
 * One peer session as the window shows it: its live path (relay or direct, with the address), candidates, punch
 * rounds and path changes. Changed only by {@link DashboardModel} on the FX thread.
 */
public final class PeerModel {

    public static final String RELAY = "relay";
    public static final String DIRECT = "direct";

    private final String peer;
    private final StringProperty side = new SimpleStringProperty("");
    private final StringProperty virtualAddress = new SimpleStringProperty("");
    private final StringProperty path = new SimpleStringProperty(RELAY);
    private final StringProperty pathAddress = new SimpleStringProperty("");
    private final LongProperty rttMillis = new SimpleLongProperty(-1);
    private final BooleanProperty open = new SimpleBooleanProperty(true);
    private final StringProperty closeReason = new SimpleStringProperty();
    private final ObservableList<CandidateRow> candidates = FXCollections.observableArrayList(
            row -> new javafx.beans.Observable[]{row.stateProperty(), row.lastRttMillisProperty(), row.liveProperty()});
    private final ObservableList<PunchRound> rounds = FXCollections.observableArrayList(
            round -> new javafx.beans.Observable[]{round.outcomeProperty()});
    /** The hard-NAT punching attempt shown last, while it may still finish. */
    private PunchRound spray;
    private final ObservableList<PathMark> marks = FXCollections.observableArrayList();

    PeerModel(String peer) {
        this.peer = peer;
    }

    /** The peer's PeerId fingerprint. */
    public String peer() {
        return peer;
    }

    /** The short fingerprint, as the list shows it. */
    public String shortPeer() {
        return PeerId.shortFingerprint(peer);
    }

    public StringProperty sideProperty() {
        return side;
    }

    public StringProperty virtualAddressProperty() {
        return virtualAddress;
    }

    /** "relay" or "direct". */
    public StringProperty pathProperty() {
        return path;
    }

    public String path() {
        return path.get();
    }

    /** The address the session's traffic goes to now (the peer's relay bind address or its direct address). */
    public StringProperty pathAddressProperty() {
        return pathAddress;
    }

    public String pathAddress() {
        return pathAddress.get();
    }

    /** The session's smoothed RTT in milliseconds (sampled), or the last validated path's RTT; -1 when unknown. */
    public LongProperty rttMillisProperty() {
        return rttMillis;
    }

    public BooleanProperty openProperty() {
        return open;
    }

    public StringProperty closeReasonProperty() {
        return closeReason;
    }

    public ObservableList<CandidateRow> candidates() {
        return candidates;
    }

    public ObservableList<PunchRound> rounds() {
        return rounds;
    }

    public ObservableList<PathMark> marks() {
        return marks;
    }

    CandidateRow candidate(boolean local, String address) {
        for (CandidateRow row : candidates) {
            if (row.local() == local && row.address().equals(address)) {
                return row;
            }
        }
        return null;
    }

    PunchRound round(long number) {
        for (int i = rounds.size() - 1; i >= 0; i--) {
            if (rounds.get(i).round() == number) {
                return rounds.get(i);
            }
        }
        return null;
    }

    void opened(SessionSide sessionSide, String virtual) {
        side.set(sessionSide.jsonName());
        virtualAddress.set(virtual);
        path.set(RELAY);
        pathAddress.set(virtual);
        open.set(true);
        closeReason.set(null);
    }

    void candidateAdded(boolean local, CandidateType type, String address) {
        if (candidate(local, address) == null) {
            CandidateRow row = new CandidateRow(local, type, address);
            row.liveProperty().set(!local && address.equals(pathAddress.get()));
            candidates.add(row);
        }
    }

    void candidateRemoved(boolean local, String address) {
        candidates.removeIf(row -> row.local() == local && row.address().equals(address));
    }

    void punchStarted(long number, List<String> pairs, long millis) {
        PunchRound existing = round(number);
        if (existing == null || !PunchRound.RUNNING.equals(existing.outcome())) {
            rounds.add(new PunchRound(number, millis, pairs.stream().map(PeerModel::normalizePair).toList()));
        }
        for (String pair : pairs) {
            String[] ends = ends(pair);
            mark(true, ends[0], CandidateState.PUNCHING);
            mark(false, ends[1], CandidateState.PUNCHING);
        }
    }

    /** Hard-NAT punching began: a row of its own in the rounds, "spray". */
    void sprayStarted(SpraySide side, int count, String target, long millis) {
        String tried = switch (side) {
            case PORTS -> count + " new ports -> " + Addresses.normalize(target);
            case PROBES -> "-> random ports of " + target + " (up to " + count + ")";
            case PREDICTED -> count + " new ports -> predicted " + target;
        };
        spray = new PunchRound(0, millis, List.of(tried), "spray");
        rounds.add(spray);
    }

    void sprayFinished(SprayOutcome outcome, int sent, String address, long millis) {
        if (spray != null && PunchRound.RUNNING.equals(spray.outcome())) {
            String result = switch (outcome) {
                case HIT -> "validated";
                case EXHAUSTED -> "failed";
                case CANCELLED -> "cancelled";
            };
            spray.finish(result, address == null ? null : Addresses.normalize(address) + " after " + sent, millis);
        }
    }

    void punchFinished(long number, PunchOutcome outcome, String pair, long millis) {
        PunchRound round = round(number);
        String target = Addresses.normalize(pair);
        if (round != null && PunchRound.RUNNING.equals(round.outcome())) {
            round.finish(outcome.jsonName(), target, millis);
        }
        if (outcome == PunchOutcome.VALIDATED && target != null) {
            mark(false, target, CandidateState.VALIDATED);
            if (round != null) {
                for (String tried : round.pairs()) {
                    String[] ends = ends(tried);
                    if (target.equals(ends[1])) {
                        mark(true, ends[0], CandidateState.VALIDATED);
                    }
                }
                // the others of this round were not needed: no longer punching, not failed either
                for (String tried : round.pairs()) {
                    String[] ends = ends(tried);
                    settle(true, ends[0]);
                    settle(false, ends[1]);
                }
            }
            return;
        }
        if (round != null && outcome == PunchOutcome.FAILED) {
            for (String tried : round.pairs()) {
                String[] ends = ends(tried);
                fail(true, ends[0]);
                fail(false, ends[1]);
            }
        }
    }

    void pathValidated(String remote, long rtt) {
        CandidateRow row = candidate(false, remote);
        if (row != null) {
            row.stateProperty().set(CandidateState.VALIDATED);
            row.lastRttMillisProperty().set(rtt);
        }
        rttMillis.set(rtt);
    }

    void pathSwitched(NetworkPath mode, String address, long millis) {
        path.set(mode == NetworkPath.DIRECT ? DIRECT : RELAY);
        pathAddress.set(address);
        for (CandidateRow row : candidates) {
            row.liveProperty().set(!row.local() && row.address().equals(address));
        }
        marks.add(new PathMark(millis, mode == NetworkPath.DIRECT ? PathMark.Kind.DIRECT : PathMark.Kind.RELAY, address));
    }

    void pathFallback(String address, long millis) {
        CandidateRow row = candidate(false, address);
        if (row != null) {
            row.stateProperty().set(CandidateState.FAILED);
        }
        marks.add(new PathMark(millis, PathMark.Kind.FALLBACK, address));
    }

    void closed(String reason) {
        open.set(false);
        closeReason.set(reason);
        for (CandidateRow row : candidates) {
            row.liveProperty().set(false);
        }
    }

    private void mark(boolean local, String address, CandidateState state) {
        if (address == null) {
            return;
        }
        CandidateRow row = candidate(local, address);
        if (row != null && row.state() != CandidateState.VALIDATED) {
            row.stateProperty().set(state);
        }
    }

    private void settle(boolean local, String address) {
        CandidateRow row = address == null ? null : candidate(local, address);
        if (row != null && row.state() == CandidateState.PUNCHING) {
            row.stateProperty().set(CandidateState.NEW);
        }
    }

    private void fail(boolean local, String address) {
        if (address == null) {
            return;
        }
        CandidateRow row = candidate(local, address);
        if (row != null && row.state() == CandidateState.PUNCHING) {
            row.stateProperty().set(CandidateState.FAILED);
        }
    }

    /** {@code local->remote} (scheduler rounds) or just {@code remote} (a responder's punch). */
    static String[] ends(String pair) {
        int arrow = pair.indexOf("->");
        if (arrow < 0) {
            return new String[]{null, Addresses.normalize(pair)};
        }
        return new String[]{Addresses.normalize(pair.substring(0, arrow)), Addresses.normalize(pair.substring(arrow + 2))};
    }

    static String normalizePair(String pair) {
        String[] ends = ends(pair);
        return ends[0] == null ? "-> " + ends[1] : ends[0] + " -> " + ends[1];
    }

    @Override
    public String toString() {
        return shortPeer() + " " + path.get() + " " + pathAddress.get() + " " + Arrays.asList(side.get());
    }
}
