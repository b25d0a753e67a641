package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;

/**
 * draft-ietf-masque-connect-udp-listen-13, "COMPRESSION_ACK Capsule": {@code Type (i) = 0x12, Length (i),
 * Context ID (i)}. Sent only in answer to a received COMPRESSION_ASSIGN with the same ID, after storing the mapping.
 */
public record CompressionAck(long contextId) implements Capsule {

    public static final long TYPE = 0x12;

    public CompressionAck {
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

    static CompressionAck decodeValue(ByteBuffer value) throws WireFormatException {
        long contextId = ContextIds.decodeAssignable(value, "COMPRESSION_ACK");
        ContextIds.requireEnd(value, "COMPRESSION_ACK");
        return new CompressionAck(contextId);
    }
}
