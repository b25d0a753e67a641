package io.punchline.engine;

/**
 * What the engine reports, one immutable record per step (DESIGN.md section 7). {@link #name()} is the stable event
 * name of the CLI's {@code --json} output ({@code {"t": millis, "event": name, ...fields}}), a public interface listed
 * in the README.
 */
public sealed interface EngineEvent {

    /** Stable event name, e.g. {@code path.switched}. */
    String name();

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

    /** A peer session completed its post-quantum handshake. */
    /**
     * A peer session completed its post-quantum handshake. {@code tlsGroup}: the key-exchange group of the QUIC layer's
     * TLS handshake under it (X25519MLKEM768 when both ends offer it), or "unknown".
     */
    record SessionOpened(String peer, String side, String virtualAddress, String tlsGroup) implements EngineEvent {
        public String name() {
            return "session.opened";
        }
    }

    record SessionClosed(String peer, String reason) implements EngineEvent {
        public String name() {
            return "session.closed";
        }
    }

    /** A candidate address, ours ({@code local}) or the peer's, with its ICE type (host, srflx, relay). */
    record CandidateAdded(String peer, boolean local, String type, String address) implements EngineEvent {
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
    record PunchStarted(String peer, long round, java.util.List<String> pairs) implements EngineEvent {
        public String name() {
            return "punch.started";
        }
    }

    /** A punch round ended: {@code validated} (with the pair) or {@code failed}/{@code cancelled}. */
    record PunchFinished(String peer, long round, String outcome, String pair) implements EngineEvent {
        public String name() {
            return "punch.finished";
        }
    }

    /** A direct path answered a probe. */
    record PathValidated(String peer, String remote, long rttMillis) implements EngineEvent {
        public String name() {
            return "path.validated";
        }
    }

    /** The peer's traffic now goes {@code path} ("direct" or "relay") via {@code address}. */
    record PathSwitched(String peer, String path, String address) implements EngineEvent {
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

    /** Files were offered: {@code direction} "out" (we offer) or "in" (the peer offers), with the manifest's size. */
    record TransferOffered(String peer, String transfer, String direction, int files, long bytes) implements EngineEvent {
        public String name() {
            return "transfer.offered";
        }
    }

    /**
     * Progress of a transfer or test stream: bytes so far, total (or -1), rate in bytes per second, network path
     * ("relay" or "direct") and the file being moved (empty for a test stream).
     */
    record TransferProgress(String peer, String transfer, long bytes, long total, long bytesPerSecond, String path,
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

    /** A transfer was cancelled, {@code by} "us" or "peer". */
    record TransferCancelled(String peer, String transfer, String by) implements EngineEvent {
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
