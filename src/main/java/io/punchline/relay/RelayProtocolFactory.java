package io.punchline.relay;

import io.punchline.masque.Http3ErrorCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.server.ServerConnection;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;

import java.net.InetSocketAddress;

/**
 * Creates one {@link RelayConnection} per accepted QUIC connection with ALPN {@code h3}. It asks kwik for the QUIC
 * DATAGRAM extension (RFC 9221), which HTTP datagrams need (RFC 9297 section 2.1.1).
 */
final class RelayProtocolFactory implements ApplicationProtocolConnectionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RelayProtocolFactory.class);

    private final RelayContext relay;

    RelayProtocolFactory(RelayContext relay) {
        this.relay = relay;
    }

    /**
     * A relay connection, or, when the relay already holds as many connections as it takes in all or from this
     * client (IPv4 address or IPv6 /64), none: the QUIC connection is closed with H3_EXCESSIVE_LOAD.
     */
    @Override
    public ApplicationProtocolConnection createConnection(String protocol, QuicConnection quicConnection) {
        InetSocketAddress client = ((ServerConnection) quicConnection).getInitialRemoteAddress();
        ClientKey key = ClientKey.of(client.getAddress());
        if (!relay.connections().admit(key)) {
            relay.counters().connectionsRefused.increment();
            LOG.info("refusing a connection from {}: too many connections", key);
            // closed once kwik has finished the handshake it is in the middle of, so that the client hears of it
            relay.timer().execute(() -> quicConnection.close(Http3ErrorCodes.H3_EXCESSIVE_LOAD, "too many connections"));
            return new ApplicationProtocolConnection() { };
        }
        return new RelayConnection(quicConnection, relay, key);
    }

    @Override
    public boolean enableDatagramExtension() {
        return true;
    }

    @Override
    public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
        // RFC 9114 section 6.2: control stream and the two QPACK streams
        return 3;
    }

    @Override
    public long maxTotalPeerInitiatedUnidirectionalStreams() {
        return 3;
    }

    @Override
    public int maxConcurrentPeerInitiatedBidirectionalStreams() {
        return 64;
    }

    @Override
    public int minUnidirectionalStreamReceiverBufferSize() {
        return 1024;
    }

    @Override
    public long maxUnidirectionalStreamReceiverBufferSize() {
        return 4096;
    }
}
