package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import java.nio.ByteBuffer;

/**
 * RFC 9297 section 3.2: "Endpoints that receive a Capsule with an unknown Capsule Type MUST silently drop that Capsule
 * and skip over it to parse the next Capsule." The parser reports the type and length and skips the value without
 * buffering it. Encoding writes a zero-filled value of that length, which is what greasing (reserved types
 * {@code 0x29 * N + 0x17}) needs.
 */
public record UnknownCapsule(long type, long length) implements Capsule {

    public UnknownCapsule {
        QuicVarint.encodedLength(type);
        QuicVarint.encodedLength(length);
    }

    /** {@code true} for the reserved greasing types of RFC 9297 section 5.4. */
    public boolean isGrease() {
        return type >= 0x17 && (type - 0x17) % 0x29 == 0;
    }

    @Override
    public long valueLength() {
        return length;
    }

    @Override
    public void encodeValue(ByteBuffer out) {
        for (long i = 0; i < length; i++) {
            out.put((byte) 0);
        }
    }
}
