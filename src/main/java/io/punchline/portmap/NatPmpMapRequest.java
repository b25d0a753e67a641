package io.punchline.portmap;

import java.nio.ByteBuffer;

/**
 * RFC 6886 section 3.3, a UDP mapping request (opcode 1); section 3.4: lifetime 0 and suggested port 0 delete it.
 *
 * <pre>
 *   Vers = 0 (8) | OP = 1 (8) | Reserved (16) | Internal Port (16) | Suggested External Port (16) | Lifetime (32)
 * </pre>
 */
public record NatPmpMapRequest(int internalPort, int suggestedExternalPort, long lifetimeSeconds) {

    public static final int LENGTH = 12;

    public NatPmpMapRequest {
        if (internalPort < 1 || internalPort > 0xFFFF || suggestedExternalPort < 0 || suggestedExternalPort > 0xFFFF
                || lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("field out of range");
        }
    }

    /** Section 3.4: the request that deletes the mapping of {@code internalPort}. */
    public static NatPmpMapRequest delete(int internalPort) {
        return new NatPmpMapRequest(internalPort, 0, 0);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(LENGTH).put((byte) NatPmpCodec.VERSION).put((byte) NatPmpCodec.OP_MAP_UDP)
                .putShort((short) 0).putShort((short) internalPort).putShort((short) suggestedExternalPort)
                .putInt((int) lifetimeSeconds).array();
    }
}
