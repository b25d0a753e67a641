package io.punchline.nat;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.OptionalLong;
import java.util.function.LongFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Punchline path probe: a raw UDP datagram, outside QUIC, that does for a candidate path what PATH_CHALLENGE and
 * PATH_RESPONSE do in RFC 9000 section 8.2 (docs/ARCHITECTURE.md, "Peer connections"), authenticated so that only the two peers of
 * a session can make a path look valid.
 *
 * <pre>
 * Path Probe {
 *   Type (8),           0x01 CHALLENGE, 0x02 RESPONSE, 0x03 KEEPALIVE, 0x04 KEEPALIVE_ACK
 *   Session ID (64),    the identifier the RECEIVER chose for this peer session
 *   Data (64),          8 unpredictable bytes; a RESPONSE / KEEPALIVE_ACK echoes its request's
 *   MAC (128),          HMAC-SHA-256(key, Type || Session ID || Data), first 16 bytes
 *   Padding (..),       zeros: CHALLENGE and RESPONSE datagrams are at least 1200 bytes
 * }
 * </pre>
 *
 * <ul>
 *   <li>Every type has the QUIC fixed bit 0x40 (and the long-header bit 0x80) clear, so the socket's demultiplexer
 *       sends a datagram whose first byte has 0x40 clear here and every other one to QUIC. RFC 9287 would let a QUIC
 *       peer clear that bit, so Punchline never offers {@code grease_quic_bit}.</li>
 *   <li>CHALLENGE and RESPONSE follow RFC 9000 section 8.2: the responder echoes the data at once, on the path the
 *       challenge came from, once per challenge; both datagrams are padded to at least 1200 bytes, which also proves the
 *       path carries full-size QUIC packets. Punchline always pads its own, so an unpadded one is rejected rather than
 *       answered (RFC 9000 asks to accept small ones only because of the anti-amplification limit, which never
 *       constrains a 1200-byte answer to a 1200-byte challenge).</li>
 *   <li>KEEPALIVE and KEEPALIVE_ACK (the same exchange, unpadded, 33 bytes) refresh NAT mappings every few seconds
 *       and measure liveness and RTT on the direct path without the 1200-byte cost.</li>
 *   <li>The Session ID is the receiver's, like a QUIC destination connection ID: it finds the session (and key)
 *       before the MAC is checked, and a probe reflected back to its sender names an ID the sender does not own, so an
 *       attacker cannot get a peer to answer its own challenge. Padding is not authenticated and is ignored.</li>
 *   <li>A path is validated toward the address the challenge was <em>sent to</em> when a RESPONSE with its data
 *       arrives, as in RFC 9000; the response's source address proves nothing more.</li>
 * </ul>
 *
 * <p>The key comes from the session's post-quantum secrets (at least 16 bytes; a key used for nothing else).
 */
public record PathProbe(Kind kind, long sessionId, long data) {

    public enum Kind {
        CHALLENGE(0x01, true), RESPONSE(0x02, true), KEEPALIVE(0x03, false), KEEPALIVE_ACK(0x04, false);

        private final int type;
        private final boolean padded;

        Kind(int type, boolean padded) {
            this.type = type;
            this.padded = padded;
        }

        /** The first byte of the datagram. */
        public int type() {
            return type;
        }

        /** Whether the datagram must be at least {@value PathProbe#PADDED_LENGTH} bytes. */
        public boolean padded() {
            return padded;
        }

        /** The datagram length {@link PathProbe#encode(byte[])} produces. */
        public int defaultLength() {
            return padded ? PADDED_LENGTH : UNPADDED_LENGTH;
        }

        static Kind ofType(int type) {
            for (Kind k : values()) {
                if (k.type == type) {
                    return k;
                }
            }
            return null;
        }
    }

    /** Bytes covered by the MAC: type, session ID, data. */
    public static final int AUTHENTICATED_LENGTH = 1 + 8 + 8;
    public static final int MAC_LENGTH = 16;
    /** The shortest probe: no padding. */
    public static final int UNPADDED_LENGTH = AUTHENTICATED_LENGTH + MAC_LENGTH;
    /** RFC 9000 section 8.2.1: "at least 1200 bytes". */
    public static final int PADDED_LENGTH = 1200;
    /** Largest UDP payload over IPv4. */
    public static final int MAX_LENGTH = 65_507;
    public static final int MIN_KEY_LENGTH = 16;

    private static final int QUIC_FIXED_BIT = 0x40;

    public PathProbe {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
    }

    /** A challenge with fresh unpredictable data (RFC 9000 section 8.2.1: "MUST be unpredictable"). */
    public static PathProbe challenge(long sessionId, SecureRandom random) {
        return new PathProbe(Kind.CHALLENGE, sessionId, random.nextLong());
    }

    public static PathProbe keepalive(long sessionId, SecureRandom random) {
        return new PathProbe(Kind.KEEPALIVE, sessionId, random.nextLong());
    }

    /**
     * The answer to this CHALLENGE or KEEPALIVE, echoing its data, addressed to {@code peerSessionId} (the ID the
     * sender of this probe chose, which the receiver knows from the session).
     */
    public PathProbe answer(long peerSessionId) {
        return switch (kind) {
            case CHALLENGE -> new PathProbe(Kind.RESPONSE, peerSessionId, data);
            case KEEPALIVE -> new PathProbe(Kind.KEEPALIVE_ACK, peerSessionId, data);
            default -> throw new IllegalStateException(kind + " is not answered");
        };
    }

    /** The 8 data bytes, network byte order. */
    public byte[] dataBytes() {
        return ByteBuffer.allocate(8).putLong(data).array();
    }

    /** The datagram, padded to 1200 bytes for CHALLENGE and RESPONSE, 33 bytes for the others. */
    public byte[] encode(byte[] key) {
        return encode(key, kind.defaultLength());
    }

    /** The datagram padded to {@code datagramLength} bytes (for path MTU probes larger than 1200). */
    public byte[] encode(byte[] key, int datagramLength) {
        int minimum = kind.defaultLength();
        if (datagramLength < minimum || datagramLength > MAX_LENGTH) {
            throw new IllegalArgumentException(kind + " datagrams are " + minimum + ".." + MAX_LENGTH + " bytes, not "
                    + datagramLength);
        }
        byte[] out = new byte[datagramLength];
        ByteBuffer.wrap(out).put((byte) kind.type).putLong(sessionId).putLong(data);
        System.arraycopy(mac(key, out), 0, out, AUTHENTICATED_LENGTH, MAC_LENGTH);
        return out;
    }

    /** Whether the demultiplexer should hand this datagram here rather than to QUIC. */
    public static boolean isProbe(byte firstByte) {
        return (firstByte & QUIC_FIXED_BIT) == 0;
    }

    /** The Session ID of what looks like a probe, to find its session's key; empty when too short or not a probe. */
    public static OptionalLong sessionIdOf(ByteBuffer datagram) {
        int p = datagram.position();
        if (datagram.remaining() < 1 + 8 || !isProbe(datagram.get(p))) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(datagram.getLong(p + 1));
    }

    /** Reads and authenticates a datagram with one session's key. The buffer's position does not move. */
    public static ProbeVerdict decode(ByteBuffer datagram, byte[] key) {
        return decode(datagram, id -> key);
    }

    /**
     * Reads and authenticates a datagram, asking {@code keyForSession} for the key of its Session ID ({@code null}:
     * no such session). Checks in order: length, fixed bit, type, padding, session, MAC (in constant time). The
     * buffer's position does not move.
     */
    public static ProbeVerdict decode(ByteBuffer datagram, LongFunction<byte[]> keyForSession) {
        int p = datagram.position();
        int length = datagram.remaining();
        if (length < 1) {
            return reject(ProbeVerdict.Rejection.TOO_SHORT);
        }
        int type = datagram.get(p) & 0xFF;
        if (!isProbe((byte) type)) {
            return reject(ProbeVerdict.Rejection.NOT_A_PROBE);
        }
        Kind kind = Kind.ofType(type);
        if (kind == null) {
            return reject(ProbeVerdict.Rejection.UNKNOWN_TYPE);
        }
        if (length < UNPADDED_LENGTH) {
            return reject(ProbeVerdict.Rejection.TOO_SHORT);
        }
        if (kind.padded && length < PADDED_LENGTH) {
            return reject(ProbeVerdict.Rejection.NOT_PADDED);
        }
        long sessionId = datagram.getLong(p + 1);
        byte[] key = keyForSession.apply(sessionId);
        if (key == null) {
            return reject(ProbeVerdict.Rejection.UNKNOWN_SESSION);
        }
        byte[] head = new byte[AUTHENTICATED_LENGTH];
        datagram.get(p, head);
        byte[] received = new byte[MAC_LENGTH];
        datagram.get(p + AUTHENTICATED_LENGTH, received);
        if (!MessageDigest.isEqual(mac(key, head), received)) {
            return reject(ProbeVerdict.Rejection.BAD_MAC);
        }
        return new ProbeVerdict.Accepted(new PathProbe(kind, sessionId, datagram.getLong(p + 9)));
    }

    private static ProbeVerdict reject(ProbeVerdict.Rejection reason) {
        return new ProbeVerdict.Rejected(reason);
    }

    /** HMAC-SHA-256 over the first {@value #AUTHENTICATED_LENGTH} bytes of {@code datagram}, truncated to 16 bytes. */
    private static byte[] mac(byte[] key, byte[] datagram) {
        if (key == null || key.length < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("a probe key has at least " + MIN_KEY_LENGTH + " bytes");
        }
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(datagram, 0, AUTHENTICATED_LENGTH);
            byte[] full = hmac.doFinal();
            byte[] truncated = new byte[MAC_LENGTH];
            System.arraycopy(full, 0, truncated, 0, MAC_LENGTH);
            return truncated;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable probe key", e);
        }
    }
}
