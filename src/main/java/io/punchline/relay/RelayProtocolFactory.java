package io.punchline.relay;

import tech.kwik.core.QuicConnection;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;

/**
 * Creates one {@link RelayConnection} per accepted QUIC connection with ALPN {@code h3}. It asks kwik for the QUIC
 * DATAGRAM extension (RFC 9221), which HTTP datagrams need (RFC 9297 section 2.1.1).
 */
final class RelayProtocolFactory implements ApplicationProtocolConnectionFactory {

    private final RelayContext relay;

    RelayProtocolFactory(RelayContext relay) {
        this.relay = relay;
    }

    @Override
    public ApplicationProtocolConnection createConnection(String protocol, QuicConnection quicConnection) {
        return new RelayConnection(quicConnection, relay);
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
