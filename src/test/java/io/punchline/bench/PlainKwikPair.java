package io.punchline.bench;

import io.punchline.tls.TlsIdentity;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * The baseline of the peer benchmarks: a plain kwik 0.10.8 client and server on loopback, no relay and no
 * post-quantum layer. The server drains each stream and answers with the byte count. {@link #server} and
 * {@link #client} also serve {@link KwikNode}, the same pair across two hosts of the NAT lab.
 */
final class PlainKwikPair implements AutoCloseable {

    static final String ALPN = "punchline-baseline";
    private final ServerConnector server;
    final QuicClientConnection client;

    PlainKwikPair() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server = server(socket);
        server.start();
        client = client(new InetSocketAddress("127.0.0.1", socket.getLocalPort()), null);
    }

    /** A kwik server on {@code socket} that drains each stream and answers with its byte count; not started yet. */
    static ServerConnector server(DatagramSocket socket) throws Exception {
        TlsIdentity tls = TlsIdentity.generate("baseline");
        ServerConnector server = ServerConnector.builder()
                .withSocket(socket)
                .withKeyStore(tls.keyStore(), TlsIdentity.ALIAS, tls.keyPassword(), "secp256r1")
                .withConfiguration(ServerConnectionConfig.builder().maxOpenPeerInitiatedBidirectionalStreams(100)
                        .maxBidirectionalStreamBufferSize(4L << 20).maxConnectionBufferSize(16L << 20)
                        .retryRequired(false).build())
                .withLogger(new NullLogger())
                .build();
        server.registerApplicationProtocol(ALPN, new Sink());
        return server;
    }

    /** A connected kwik client to {@code server}; with a {@code socket}, kwik uses that socket (e.g. a punched one). */
    static QuicClientConnection client(InetSocketAddress server, DatagramSocket socket) throws IOException {
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
        QuicClientConnection.Builder builder = QuicClientConnection.newBuilder()
                .uri(URI.create("https://" + server.getAddress().getHostAddress() + ":" + server.getPort()))
                .applicationProtocol(ALPN)
                .noServerCertificateCheck()
                .defaultStreamReceiveBufferSize(4L << 20)
                .connectTimeout(Duration.ofSeconds(30))
                .logger(new NullLogger());
        if (socket != null) {
            builder.socketFactory(destination -> socket);
        }
        QuicClientConnection client = builder.build();
        client.connect();
        return client;
    }

    /** Sends {@code bytes} on a new stream in writes of at most 1000 bytes; returns the seconds until the answer. */
    double upload(long bytes) throws IOException {
        return upload(client, bytes);
    }

    /** As {@link #upload(long)}, on any connection to a {@link #server}. */
    static double upload(QuicClientConnection client, long bytes) throws IOException {
        QuicStream stream = client.createStream(true);
        byte[] block = new byte[1000];
        long start = System.nanoTime();
        for (long sent = 0; sent < bytes; sent += block.length) {
            stream.getOutputStream().write(block, 0, (int) Math.min(block.length, bytes - sent));
        }
        stream.getOutputStream().close();
        byte[] answer = stream.getInputStream().readNBytes(8);
        if (answer.length != 8) {
            throw new IOException("baseline stream ended without an answer");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }

    private static final class Sink implements ApplicationProtocolConnectionFactory {
        @Override
        public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
            return new ApplicationProtocolConnection() {
                @Override
                public void acceptPeerInitiatedStream(QuicStream stream) {
                    new Thread(() -> {
                        try {
                            InputStream in = stream.getInputStream();
                            byte[] buffer = new byte[64 * 1024];
                            long total = 0;
                            for (int n; (n = in.read(buffer)) >= 0; ) {
                                total += n;
                            }
                            DataOutputStream out = new DataOutputStream(stream.getOutputStream());
                            out.writeLong(total);
                            out.close();
                        } catch (IOException e) {
                            // the benchmark reports the missing answer
                        }
                    }, "baseline-sink").start();
                }
            };
        }

        @Override
        public int maxConcurrentPeerInitiatedBidirectionalStreams() {
            return 100;
        }
    }
}
