package io.punchline.nat;

/**
 * The result of reading one datagram as a {@link PathProbe} (Punchline's authenticated form of RFC 9000 section 8.2
 * path validation): the probe, or why it was rejected. Rejected datagrams are dropped silently, never answered.
 */
public sealed interface ProbeVerdict permits ProbeVerdict.Accepted, ProbeVerdict.Rejected {

    /** Why a datagram is not an acceptable probe, in the order the decoder checks. */
    enum Rejection {
        /** Empty, or shorter than type, session ID, data and MAC (33 bytes). */
        TOO_SHORT,
        /** The QUIC fixed bit 0x40 is set: a QUIC packet, for the QUIC side of the demultiplexer. */
        NOT_A_PROBE,
        /** Fixed bit clear but a type this version does not know. */
        UNKNOWN_TYPE,
        /** A challenge or response in a datagram under 1200 bytes (RFC 9000 section 8.2.1). */
        NOT_PADDED,
        /** No key for the session ID: not a session of this engine (or a probe reflected back to its sender). */
        UNKNOWN_SESSION,
        /** The MAC does not match: forged, corrupted, or made with another session's key. */
        BAD_MAC
    }

    record Accepted(PathProbe probe) implements ProbeVerdict {
    }

    record Rejected(Rejection reason) implements ProbeVerdict {
    }
}
