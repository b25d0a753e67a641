package io.punchline.quic;

import io.punchline.tls.TlsIdentity;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** A real kwik server and client on loopback, for the tests of kwik adaptations; closing closes both. */
record KwikTestPair(ServerConnector server, QuicClientConnection client) implements AutoCloseable {

    /**
     * Starts a server that answers {@code alpn} with {@code protocol} and connects a client to it; {@code beforeConnect}
     * sees the client once it is built, before its handshake.
     */
    static KwikTestPair connect(String alpn, ApplicationProtocolConnectionFactory protocol,
                                Consumer<QuicClientConnection> beforeConnect) throws Exception {
        return connect(alpn, protocol, builder -> builder, beforeConnect);
    }

    /** As above, with {@code client} adding to the client's builder (a socket factory, the datagram extension). */
    static KwikTestPair connect(String alpn, ApplicationProtocolConnectionFactory protocol,
                                UnaryOperator<QuicClientConnection.Builder> client,
                                Consumer<QuicClientConnection> beforeConnect) throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        TlsIdentity tls = TlsIdentity.generate(alpn);
        ServerConnector server = ServerConnector.builder()
                .withSocket(socket)
                .withKeyStore(tls.keyStore(), TlsIdentity.ALIAS, tls.keyPassword(), "secp256r1")
                .withConfiguration(ServerConnectionConfig.builder().maxOpenPeerInitiatedBidirectionalStreams(10)
                        .retryRequired(false).build())
                .withLogger(new KwikLog())
                .build();
        server.registerApplicationProtocol(alpn, new Floored(protocol));
        server.start();
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
        QuicClientConnection connection = client.apply(QuicClientConnection.newBuilder()
                .uri(URI.create("https://127.0.0.1:" + socket.getLocalPort()))
                .applicationProtocol(alpn)
                .noServerCertificateCheck()
                .connectTimeout(Duration.ofSeconds(10))
                .logger(new KwikLog()))
                .build();
        KwikTestPair pair = new KwikTestPair(server, connection);
        try {
            LossDelayFloor.apply(connection);
            beforeConnect.accept(connection);
            connection.connect();
        } catch (Exception | AssertionError e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }

    /**
     * The test's protocol, on server connections with the loss-detection floor the relay gives its own: without it an
     * ACK on a 0 ms loopback path trips kwik's assertion and leaves the server connection dead ({@link LossDelayFloor}).
     */
    private record Floored(ApplicationProtocolConnectionFactory protocol) implements ApplicationProtocolConnectionFactory {
        @Override
        public ApplicationProtocolConnection createConnection(String alpn, QuicConnection connection) {
            LossDelayFloor.apply(connection);
            return protocol.createConnection(alpn, connection);
        }

        @Override
        public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
            return protocol.maxConcurrentPeerInitiatedUnidirectionalStreams();
        }

        @Override
        public long maxTotalPeerInitiatedUnidirectionalStreams() {
            return protocol.maxTotalPeerInitiatedUnidirectionalStreams();
        }

        @Override
        public int maxConcurrentPeerInitiatedBidirectionalStreams() {
            return protocol.maxConcurrentPeerInitiatedBidirectionalStreams();
        }

        @Override
        public long maxTotalPeerInitiatedBidirectionalStreams() {
            return protocol.maxTotalPeerInitiatedBidirectionalStreams();
        }

        @Override
        public int minUnidirectionalStreamReceiverBufferSize() {
            return protocol.minUnidirectionalStreamReceiverBufferSize();
        }

        @Override
        public long maxUnidirectionalStreamReceiverBufferSize() {
            return protocol.maxUnidirectionalStreamReceiverBufferSize();
        }

        @Override
        public int minBidirectionalStreamReceiverBufferSize() {
            return protocol.minBidirectionalStreamReceiverBufferSize();
        }

        @Override
        public long maxBidirectionalStreamReceiverBufferSize() {
            return protocol.maxBidirectionalStreamReceiverBufferSize();
        }

        @Override
        public boolean enableDatagramExtension() {
            return protocol.enableDatagramExtension();
        }
    }
}
