package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;

/**
 * draft-ietf-masque-connect-udp-listen-13, "COMPRESSION_CLOSE Capsule": {@code Type (i) = 0x13, Length (i),
 * Context ID (i)}. Rejects a registration or tears one down; either endpoint may close any ID. "A COMPRESSION_CLOSE
 * capsule with a Context ID of 0 is malformed."
 */
public record CompressionClose(long contextId) implements Capsule {

    public static final long TYPE = 0x13;

    public CompressionClose {
        ContextIds.requireAssignable(contextId);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public long valueLength() {
        return QuicVarint.encodedLength(contextId);
    }

    @Override
    public void encodeValue(ByteBuffer out) {
        QuicVarint.encode(contextId, out);
    }

    static CompressionClose decodeValue(ByteBuffer value) throws WireFormatException {
        long contextId = ContextIds.decodeAssignable(value, "COMPRESSION_CLOSE");
        ContextIds.requireEnd(value, "COMPRESSION_CLOSE");
        return new CompressionClose(contextId);
    }
}
