package io.punchline.ui.model;

import io.punchline.crypto.PeerId;
import io.punchline.engine.EngineEvent;
import io.punchline.engine.EventBus;
import io.punchline.pairing.RememberedPeers;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the main window shows, as JavaFX properties and lists, changed only on the FX thread: engine events
 * through {@link #apply}, a few times a second the sampled figures through {@link #sample}. No views and no engine
 * here, so the event-to-model logic is tested without a display.
 */
public final class DashboardModel {

    /** Samples kept for the chart: two minutes at 4 Hz. */
    public static final int HISTORY = 480;

    private final RelayModel relay = new RelayModel();
    private final ObservableList<PeerModel> peers = FXCollections.observableArrayList(
            peer -> new javafx.beans.Observable[]{peer.pathProperty(), peer.openProperty(), peer.rttMillisProperty()});
    private final ObjectProperty<PeerModel> selected = new SimpleObjectProperty<>();
    private final ObservableList<PathSample> samples = FXCollections.observableArrayList();
    private final StringProperty status = new SimpleStringProperty("Starting");
    private final StringProperty lastError = new SimpleStringProperty();
    private final StringProperty identity = new SimpleStringProperty("");
    private final TransferList transfers = new TransferList();
    private final ObservableList<RememberedPeerRow> remembered = FXCollections.observableArrayList(
            row -> new javafx.beans.Observable[]{row.onlineProperty(), row.nameProperty(), row.lastSeenProperty()});
    private Meter previous;

    /** The transfers tab's rows. */
    public TransferList transfers() {
        return transfers;
    }

    /** The paired peers, online or not. */
    public ObservableList<RememberedPeerRow> remembered() {
        return remembered;
    }

    public RememberedPeerRow rememberedRow(String fingerprint) {
        for (RememberedPeerRow row : remembered) {
            if (row.fingerprint().equals(fingerprint)) {
                return row;
            }
        }
        return null;
    }

    /** Replaces the paired peers with the engine's list (after start, pairing, rename, forget). */
    public void setRemembered(List<RememberedPeers.Peer> peers) {
        List<RememberedPeerRow> rows = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (RememberedPeers.Peer peer : peers) {
            RememberedPeerRow row = new RememberedPeerRow(peer.name(), peer.fingerprint(), peer.lastSeen());
            PeerModel session = peer(peer.fingerprint());
            row.onlineProperty().set(session != null && session.openProperty().get());
            rows.add(row);
            names.put(peer.fingerprint(), peer.name());
        }
        remembered.setAll(rows);
        transfers.setNames(fingerprint -> names.getOrDefault(fingerprint, PeerId.shortFingerprint(fingerprint)));
    }

    /** The remembered name of a peer, or its short fingerprint. */
    public String nameOf(String fingerprint) {
        RememberedPeerRow row = rememberedRow(fingerprint);
        return row != null ? row.name() : PeerId.shortFingerprint(fingerprint);
    }

    private void online(String fingerprint, boolean open) {
        RememberedPeerRow row = rememberedRow(fingerprint);
        if (row != null) {
            row.onlineProperty().set(open);
            if (!open) {
                row.lastSeenProperty().set(Instant.now().toString());
            }
        }
    }

    public RelayModel relay() {
        return relay;
    }

    public ObservableList<PeerModel> peers() {
        return peers;
    }

    /** The session the path diagram, candidates and rounds show; the newest session unless the user picked one. */
    public ObjectProperty<PeerModel> selectedProperty() {
        return selected;
    }

    public PeerModel selected() {
        return selected.get();
    }

    public ObservableList<PathSample> samples() {
        return samples;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** This installation's PeerId fingerprint. */
    public StringProperty identityProperty() {
        return identity;
    }

    public StringProperty lastErrorProperty() {
        return lastError;
    }

    /** Forgets everything shown, when the engine restarts (new relay, new sessions). */
    public void reset() {
        peers.clear();
        remembered.forEach(row -> row.onlineProperty().set(false));
        selected.set(null);
        samples.clear();
        previous = null;
        relay.connectedProperty().set(false);
        relay.lostReasonProperty().set(null);
        relay.publicAddressProperty().set("");
        relay.ownContactProperty().set("");
        relay.rttMillisProperty().set(-1);
        relay.contextsProperty().set(-1);
        lastError.set(null);
    }

    public PeerModel peer(String fingerprint) {
        for (PeerModel peer : peers) {
            if (peer.peer().equals(fingerprint)) {
                return peer;
            }
        }
        return null;
    }

    /** Applies a batch of events in order (one FX pulse for many events). */
    public void applyAll(List<EventBus.Timed> batch) {
        for (EventBus.Timed timed : batch) {
            apply(timed.event(), timed.millis());
        }
    }

    public void apply(EngineEvent event, long millis) {
        if (event instanceof EngineEvent.RelayBound bound) {
            if (!relay.contactProperty().get().isEmpty() && !bound.relay().equals(relay.contactProperty().get())) {
                relay.describe(bound.relay(), relay.embeddedProperty().get(), relay.originProperty().get()); // fail-over
            }
            relay.connectedProperty().set(true);
            relay.publicAddressProperty().set(Addresses.normalize(bound.publicAddress()));
            relay.lostReasonProperty().set(null);
            status.set("Bound on relay " + relay.addressProperty().get() + " as " + relay.publicAddressProperty().get());
        } else if (event instanceof EngineEvent.RelayLost lost) {
            relay.connectedProperty().set(false);
            relay.lostReasonProperty().set(lost.reason());
            relay.rttMillisProperty().set(-1);
            status.set("Relay lost: " + lost.reason());
        } else if (event instanceof EngineEvent.RelayFailover failover) {
            status.set("Relay " + failover.from().split("#")[0] + " lost (" + failover.reason() + "); moved to "
                    + failover.to().split("#")[0]);
        } else if (event instanceof EngineEvent.SessionOpened opened) {
            PeerModel peer = peerOrNew(opened.peer());
            peer.opened(opened.side(), Addresses.normalize(opened.virtualAddress()));
            online(opened.peer(), true);
            selected.set(peer);
            status.set("Session with " + peer.shortPeer() + " open (" + opened.side().jsonName() + "), relayed");
        } else if (event instanceof EngineEvent.SessionClosed closed) {
            PeerModel peer = peer(closed.peer());
            online(closed.peer(), false);
            if (peer != null) {
                peer.closed(closed.reason());
                status.set("Session with " + peer.shortPeer() + " closed: " + closed.reason());
            }
        } else if (event instanceof EngineEvent.CandidateAdded added) {
            peerOrNew(added.peer()).candidateAdded(added.local(), added.type(), Addresses.normalize(added.address()));
        } else if (event instanceof EngineEvent.CandidateRemoved removed) {
            peerOrNew(removed.peer()).candidateRemoved(removed.local(), Addresses.normalize(removed.address()));
        } else if (event instanceof EngineEvent.PunchStarted started) {
            peerOrNew(started.peer()).punchStarted(started.round(), started.pairs(), millis);
        } else if (event instanceof EngineEvent.PunchFinished finished) {
            peerOrNew(finished.peer()).punchFinished(finished.round(), finished.outcome(), finished.pair(), millis);
        } else if (event instanceof EngineEvent.PunchSpray spray) {
            peerOrNew(spray.peer()).sprayStarted(spray.side(), spray.count(), spray.target(), millis);
        } else if (event instanceof EngineEvent.PunchSprayFinished finished) {
            peerOrNew(finished.peer()).sprayFinished(finished.outcome(), finished.sent(), finished.address(), millis);
        } else if (event instanceof EngineEvent.PathValidated validated) {
            peerOrNew(validated.peer()).pathValidated(Addresses.normalize(validated.remote()), validated.rttMillis());
        } else if (event instanceof EngineEvent.PathSwitched switched) {
            PeerModel peer = peerOrNew(switched.peer());
            String address = Addresses.normalize(switched.address());
            peer.pathSwitched(switched.path(), address, millis);
            status.set(switched.path() == EngineEvent.NetworkPath.DIRECT
                    ? "Direct path to " + peer.shortPeer() + " via " + address
                    : "Traffic with " + peer.shortPeer() + " is back on the relay (peer at " + address + ")");
        } else if (event instanceof EngineEvent.PathFallback fallback) {
            PeerModel peer = peerOrNew(fallback.peer());
            peer.pathFallback(Addresses.normalize(fallback.address()), millis);
            status.set("Direct path to " + peer.shortPeer() + " lost (" + fallback.reason() + "); back on the relay");
        } else if (event instanceof EngineEvent.PairingCode code) {
            status.set("Pairing code " + code.code() + " is waiting for the other side (" + code.expiresInSeconds() + " s)");
        } else if (event instanceof EngineEvent.Paired paired) {
            status.set("Paired with " + paired.peerName());
        } else if (event instanceof EngineEvent.PairingFailed failed) {
            status.set("Pairing failed: " + failed.message());
        } else if (transfers.apply(event)) {
            if (event instanceof EngineEvent.TransferOffered offered && offered.direction() == EngineEvent.Direction.IN) {
                status.set(nameOf(offered.peer()) + " offers " + offered.files() + " files");
            }
        } else if (event instanceof EngineEvent.Error error) {
            lastError.set(error.message());
            status.set("Error: " + error.message());
        }
    }

    /**
     * Takes a reading of the engine's counters: throughput is the difference to the previous reading, so it is the
     * mean over the sampling interval whatever the packet rate.
     */
    public void sample(Meter meter) {
        long relayRate = 0;
        long directRate = 0;
        if (previous != null && meter.millis() > previous.millis()) {
            long elapsed = meter.millis() - previous.millis();
            relayRate = Math.max(0, meter.relayedBytes() - previous.relayedBytes()) * 1000 / elapsed;
            directRate = Math.max(0, meter.directBytes() - previous.directBytes()) * 1000 / elapsed;
        }
        previous = meter;
        relay.rttMillisProperty().set(relay.connectedProperty().get() ? meter.relayRttMillis() : -1);
        relay.contextsProperty().set(meter.relayContexts());
        for (PeerModel peer : peers) {
            Long rtt = meter.sessionRttMillis().get(peer.peer());
            if (rtt != null && rtt > 0 && peer.openProperty().get()) {
                peer.rttMillisProperty().set(rtt);
            }
        }
        PeerModel shown = selected.get();
        long sessionRtt = shown != null && shown.openProperty().get() ? shown.rttMillisProperty().get() : -1;
        samples.add(new PathSample(meter.millis(), relayRate, directRate, sessionRtt, meter.relayRttMillis()));
        if (samples.size() > HISTORY) {
            samples.remove(0, samples.size() - HISTORY);
        }
    }

    private PeerModel peerOrNew(String fingerprint) {
        PeerModel peer = peer(fingerprint);
        if (peer == null) {
            peer = new PeerModel(fingerprint);
            peers.add(peer);
            if (selected.get() == null) {
                selected.set(peer);
            }
        }
        return peer;
    }
}
