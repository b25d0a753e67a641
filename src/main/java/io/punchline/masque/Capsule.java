package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import java.nio.ByteBuffer;

/**
 * RFC 9297 section 3.2: {@code Capsule { Capsule Type (i), Capsule Length (i), Capsule Value (..) }}, where the
 * length counts the value bytes only. The capsules Punchline knows are the DATAGRAM capsule (RFC 9297 section 3.5) and
 * the three context-registration capsules of draft-ietf-masque-connect-udp-listen-13; any other type is reported as an
 * {@link UnknownCapsule} whose value was skipped.
 */
public sealed interface Capsule
        permits DatagramCapsule, CompressionAssign, CompressionAck, CompressionClose, UnknownCapsule {

    long type();

    /** Bytes of the value alone, which the Capsule Length field carries. */
    long valueLength();

    /** Writes the value alone. */
    void encodeValue(ByteBuffer out);

    /** Bytes of the whole capsule: type, length and value. */
    default int encodedLength() {
        long total = QuicVarint.encodedLength(type()) + QuicVarint.encodedLength(valueLength()) + valueLength();
        if (total > Integer.MAX_VALUE) {
            throw new IllegalStateException("capsule too long to encode: " + total);
        }
        return (int) total;
    }

    /** Writes type, length and value. */
    default void encode(ByteBuffer out) {
        QuicVarint.encode(type(), out);
        QuicVarint.encode(valueLength(), out);
        encodeValue(out);
    }

    /** The whole capsule as a new array. */
    default byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        encode(out);
        return out.array();
    }
}
