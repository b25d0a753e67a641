package io.punchline.path;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The source connection IDs (RFC 9000 section 5.1) of the peer connections an engine dialled. The engine chooses each
 * one itself when it dials (quiche gives a client no further IDs), so a packet whose destination connection ID is in
 * this set belongs to the client codec, and every other QUIC packet to the server codec.
 */
public final class ConnectionIds {

    private final Set<ByteBuffer> ids = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();

    /** A fresh random {@link QuicPacketHeader#CONNECTION_ID_LENGTH}-byte ID, registered until {@link #release}. */
    public byte[] allocate() {
        while (true) {
            byte[] id = new byte[QuicPacketHeader.CONNECTION_ID_LENGTH];
            random.nextBytes(id);
            if (ids.add(ByteBuffer.wrap(id))) {
                return id;
            }
        }
    }

    public void release(byte[] id) {
        ids.remove(ByteBuffer.wrap(id));
    }

    public boolean contains(byte[] data, int offset, int length) {
        return !ids.isEmpty() && ids.contains(ByteBuffer.wrap(data, offset, length));
    }

    public int size() {
        return ids.size();
    }
}
