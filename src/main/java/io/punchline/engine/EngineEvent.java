package io.punchline.engine;

import java.util.Arrays;
import java.util.List;

/**
 * What the engine reports, one immutable record per step (the README lists the names). {@link #name()} is the stable event
 * name of the CLI's {@code --json} output ({@code {"t": millis, "event": name, ...fields}}), a public interface listed
 * in the README. A field with a fixed set of values is an enum ({@link Named}); only the CLI's printer turns it into
 * its JSON name.
 */
public sealed interface EngineEvent {

    /** Stable event name, e.g. {@code path.switched}. */
    String name();

    /** A field value from a fixed set; {@link #jsonName()} is its text in the CLI's output, part of the public interface. */
    interface Named {
        String jsonName();

        /** The value of {@code type} whose JSON name is {@code jsonName}. */
        static <E extends Enum<E> & Named> E of(Class<E> type, String jsonName) {
            return Arrays.stream(type.getEnumConstants()).filter(e -> e.jsonName().equals(jsonName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + type.getSimpleName() + " named " + jsonName));
        }
    }

    /** Which end of a session this engine is. */
    enum SessionSide implements Named {
        DIALLER("dialler"), LISTENER("listener");

        private final String jsonName;

        SessionSide(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** An ICE candidate type (RFC 8445 section 5.1.1.1), and {@code mapped}: an address the gateway mapped for us. */
    enum CandidateType implements Named {
        HOST("host"), SERVER_REFLEXIVE("srflx"), PEER_REFLEXIVE("prflx"), RELAYED("relay"), MAPPED("mapped");

        private final String jsonName;

        CandidateType(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** How the gateway mapped our port: PCP (RFC 6887), NAT-PMP (RFC 6886) or UPnP-IGD. */
    enum MappingProtocol implements Named {
        PCP("pcp"), NAT_PMP("nat-pmp"), UPNP_IGD("upnp-igd");

        private final String jsonName;

        MappingProtocol(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** How a punch round ended. */
    enum PunchOutcome implements Named {
        VALIDATED("validated"), FAILED("failed");

        private final String jsonName;

        PunchOutcome(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /**
     * The sides of hard-NAT punching: the side behind the symmetric NAT opens ports, the other probes them; with both
     * NATs allocating in sequence each side opens ports toward the other's predicted ones ("predicted").
     */
    enum SpraySide implements Named {
        PORTS("ports"), PROBES("probes"), PREDICTED("predicted");

        private final String jsonName;

        SpraySide(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** How hard-NAT punching ended: a port answered, every probe went unanswered, or another path won first. */
    enum SprayOutcome implements Named {
        HIT("hit"), EXHAUSTED("exhausted"), CANCELLED("cancelled");

        private final String jsonName;

        SprayOutcome(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** Which way a session's traffic goes: through the relay or on a punched direct path. */
    enum NetworkPath implements Named {
        DIRECT("direct"), RELAY("relay"), UNKNOWN("unknown");

        private final String jsonName;

        NetworkPath(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** A transfer's direction: we offer files ({@code OUT}) or the peer does ({@code IN}). */
    enum Direction implements Named {
        IN("in"), OUT("out");

        private final String jsonName;

        Direction(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** Who cancelled a transfer. */
    enum CancelledBy implements Named {
        US("us"), PEER("peer");

        private final String jsonName;

        CancelledBy(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** The engine holds a bind on its relay: peers reach it at {@code publicAddress}. */
    record RelayBound(String relay, String publicAddress) implements EngineEvent {
        public String name() {
            return "relay.bound";
        }
    }

    /** The engine's relay bind ended; peers can no longer reach it through the relay. */
    record RelayLost(String relay, String reason) implements EngineEvent {
        public String name() {
            return "relay.lost";
        }
    }

    /**
     * The engine measured the relays of its fleet and bound on {@code relay}, the nearest that took it; {@code fallback}
     * is the next one for fail-over (null with no other). {@code rtts}: nearest first; {@code unreachable}: skipped.
     */
    record RelayChosen(String relay, String fallback, List<RelayRtt> rtts, List<RelayUnreachable> unreachable)
            implements EngineEvent {
        public String name() {
            return "relay.chosen";
        }
    }

    /** The bind on {@code from} was lost and the engine bound on {@code to}, another relay of its fleet. */
    record RelayFailover(String from, String to, String reason) implements EngineEvent {
        public String name() {
            return "relay.failover";
        }
    }

    /**
     * A peer session completed its post-quantum handshake. {@code tlsGroup}: the key-exchange group of the QUIC layer's
     * TLS handshake under it (X25519MLKEM768 when both ends offer it), or "unknown".
     */
    record SessionOpened(String peer, SessionSide side, String virtualAddress, String tlsGroup) implements EngineEvent {
        public String name() {
            return "session.opened";
        }
    }

    record SessionClosed(String peer, String reason) implements EngineEvent {
        public String name() {
            return "session.closed";
        }
    }

    /** A candidate address, ours ({@code local}) or the peer's, with its ICE type. */
    record CandidateAdded(String peer, boolean local, CandidateType type, String address) implements EngineEvent {
        public String name() {
            return "candidate.added";
        }
    }

    record CandidateRemoved(String peer, boolean local, String address) implements EngineEvent {
        public String name() {
            return "candidate.removed";
        }
    }

    /** A punch round began with these candidate pairs ({@code local->remote}). */
    record PunchStarted(String peer, long round, List<String> pairs) implements EngineEvent {
        public String name() {
            return "punch.started";
        }
    }

    /** A punch round ended: validated (with the pair) or failed. */
    record PunchFinished(String peer, long round, PunchOutcome outcome, String pair) implements EngineEvent {
        public String name() {
            return "punch.finished";
        }
    }

    /**
     * Hard-NAT punching began (docs/ARCHITECTURE.md, "Hard NATs"): this side opened {@code count} ports toward
     * {@code target} ({@code ports}), or probes up to {@code count} ports of {@code target} ({@code probes}).
     */
    record PunchSpray(String peer, SpraySide side, int count, String target) implements EngineEvent {
        public String name() {
            return "punch.spray";
        }
    }

    /** Hard-NAT punching ended after {@code sent} probes (or ports); {@code address} the one that answered, or null. */
    record PunchSprayFinished(String peer, SpraySide side, SprayOutcome outcome, int sent, String address)
            implements EngineEvent {
        public String name() {
            return "punch.spray.finished";
        }
    }

    /** A direct path answered a probe. */
    record PathValidated(String peer, String remote, long rttMillis) implements EngineEvent {
        public String name() {
            return "path.validated";
        }
    }

    /** The peer's traffic now goes {@code path} (direct or relay) via {@code address}. */
    record PathSwitched(String peer, NetworkPath path, String address) implements EngineEvent {
        public String name() {
            return "path.switched";
        }
    }

    /** The direct path stopped answering; traffic went back to the relay. */
    record PathFallback(String peer, String address, String reason) implements EngineEvent {
        public String name() {
            return "path.fallback";
        }
    }

    /**
     * The local gateway mapped the engine socket's port: UDP to {@code external} reaches us for {@code lifetimeSeconds}
     * (renewed before then: {@code renewal}). {@code advertised}: offered to peers as a candidate, which only a public
     * address is.
     */
    record PortMapped(MappingProtocol protocol, String external, long lifetimeSeconds, boolean advertised,
                      boolean renewal) implements EngineEvent {
        public String name() {
            return "port-mapping";
        }
    }

    /** The port mapping expired without a renewal; it is no longer advertised. */
    record PortMappingLost(MappingProtocol protocol, String external, String reason) implements EngineEvent {
        public String name() {
            return "port-mapping.lost";
        }
    }

    /** No port mapping: no gateway, none that maps, or turned off; the reason says which. */
    record PortMappingUnavailable(String reason) implements EngineEvent {
        public String name() {
            return "port-mapping.unavailable";
        }
    }

    /** A pairing code to read to the other person; it works once, until it expires. */
    record PairingCode(String code, long expiresInSeconds) implements EngineEvent {
        public String name() {
            return "pairing.code";
        }
    }

    /** Both sides proved they knew the code; the peer is remembered under {@code peerName}. */
    record Paired(String peer, String peerName) implements EngineEvent {
        public String name() {
            return "pairing.done";
        }
    }

    /** Pairing failed: {@code reason} is a stable token (wrong-code, code-used, code-expired, ...), message for people. */
    record PairingFailed(String reason, String message) implements EngineEvent {
        public String name() {
            return "pairing.failed";
        }
    }

    /** Files were offered, by us or by the peer, with the manifest's size. */
    record TransferOffered(String peer, String transfer, Direction direction, int files, long bytes) implements EngineEvent {
        public String name() {
            return "transfer.offered";
        }
    }

    /**
     * Progress of a transfer or test stream: bytes so far, total (or -1), rate in bytes per second, network path
     * and the file being moved (empty for a test stream).
     */
    record TransferProgress(String peer, String transfer, long bytes, long total, long bytesPerSecond, NetworkPath path,
                            String file) implements EngineEvent {
        public String name() {
            return "transfer.progress";
        }
    }

    /** The sender hashes its files before offering them: bytes hashed of total, and the file being read. */
    record TransferHashing(String peer, String transfer, long bytes, long total, String file) implements EngineEvent {
        public String name() {
            return "transfer.hashing";
        }
    }

    /** A peer's offer was refused as a whole, unseen by the user: its manifest was unsafe or malformed. */
    record TransferRefused(String peer, String message) implements EngineEvent {
        public String name() {
            return "transfer.refused";
        }
    }

    /** The receiver declined the offer. */
    record TransferDeclined(String peer, String transfer) implements EngineEvent {
        public String name() {
            return "transfer.declined";
        }
    }

    /**
     * A transfer ended with everything verified: {@code files} files (0 for a test stream), {@code bytes} moved over the
     * network in this run (a resumed transfer counts only the rest), and the SHA-256 for a test stream (else empty).
     */
    record TransferFinished(String peer, String transfer, long bytes, long millis, String sha256, int files)
            implements EngineEvent {
        public String name() {
            return "transfer.finished";
        }
    }

    /** A transfer ended without all its files; the message says why (disk full, peer gone, refused manifest...). */
    record TransferFailed(String peer, String transfer, String message) implements EngineEvent {
        public String name() {
            return "transfer.failed";
        }
    }

    /** A transfer was cancelled, by us or by the peer. */
    record TransferCancelled(String peer, String transfer, CancelledBy by) implements EngineEvent {
        public String name() {
            return "transfer.cancelled";
        }
    }

    /** Something failed that the user should know about. */
    record Error(String message) implements EngineEvent {
        public String name() {
            return "error";
        }
    }
}
