package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;

/**
 * RFC 9298 section 4: Context IDs are 62-bit integers, 0 is reserved for UDP payloads to the URI target, clients
 * allocate even IDs and proxies odd ones. Checks shared by the capsule records.
 */
final class ContextIds {

    private ContextIds() {
    }

    static void requireAssignable(long contextId) {
        if (contextId <= 0 || contextId > QuicVarint.MAX_VALUE) {
            throw new IllegalArgumentException("a registered Context ID is in 1..2^62-1, not " + contextId);
        }
    }

    static long decodeAssignable(ByteBuffer value, String capsule) throws WireFormatException {
        long contextId = QuicVarint.decode(value);
        if (contextId == 0) {
            throw new WireFormatException(capsule + " with Context ID 0");
        }
        return contextId;
    }

    static void requireEnd(ByteBuffer value, String capsule) throws WireFormatException {
        if (value.hasRemaining()) {
            throw new WireFormatException(capsule + " has " + value.remaining() + " bytes after its fields");
        }
    }

    /** {@code true} when the ID is one a client allocates (even). */
    static boolean isClientAllocated(long contextId) {
        return (contextId & 1) == 0;
    }
}
