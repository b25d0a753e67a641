package io.punchline.path;

import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.cid.ConnectionIdInfo;
import tech.kwik.core.impl.QuicClientConnectionImpl;

import java.util.Arrays;

/** Answers whether a destination connection ID is one of a client connection's own (source) connection IDs. */
@FunctionalInterface
public interface ConnectionIdOwner {

    boolean owns(byte[] data, int offset, int length);

    /** The connection IDs kwik currently has for {@code connection} (RFC 9000 section 5.1). */
    static ConnectionIdOwner of(QuicClientConnection connection) {
        QuicClientConnectionImpl impl = (QuicClientConnectionImpl) connection;
        return (data, offset, length) -> {
            for (ConnectionIdInfo info : impl.getSourceConnectionIds().values()) {
                byte[] id = info.getConnectionId();
                if (id.length == length && Arrays.equals(id, 0, length, data, offset, offset + length)) {
                    return true;
                }
            }
            return false;
        };
    }
}
