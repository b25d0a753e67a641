package io.punchline.masque;

import tech.kwik.core.DatagramSocketFactory;
import tech.kwik.core.QuicClientConnection;

/**
 * A socket factory for a kwik client connection that also learns the connection once it is built, before it sends
 * anything; the engine's demultiplexer needs it to route by connection ID.
 */
public interface ClientSocketFactory extends DatagramSocketFactory {
    void connectionBuilt(QuicClientConnection connection);
}
