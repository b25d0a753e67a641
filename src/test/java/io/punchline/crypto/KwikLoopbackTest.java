package io.punchline.crypto;

import io.punchline.tls.TlsIdentity;
import org.junit.jupiter.api.Test;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The handshake and a secure stream on real kwik QUIC streams over loopback. */
class KwikLoopbackTest {

    static final String ALPN = "punchline-test";

    @Test
    void handshakeAndSecureStreamRunOverKwik() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), this::exchange);
    }

    private void exchange() throws Exception {
        Identity serverIdentity = HandshakeFixture.LISTENER;
        Identity clientIdentity = HandshakeFixture.DIALLER;
        byte[] data = new byte[1_000_000];
        new Random(1).nextBytes(data);
        CompletableFuture<SessionSecrets> serverSecrets = new CompletableFuture<>();
        CompletableFuture<byte[]> received = new CompletableFuture<>();

        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        TlsIdentity tls = TlsIdentity.generate("test");
        ServerConnector server = ServerConnector.builder()
                .withSocket(socket)
                .withKeyStore(tls.keyStore(), TlsIdentity.ALIAS, tls.keyPassword())
                .withConfiguration(ServerConnectionConfig.builder().maxIdleTimeoutInSeconds(30)
                        .maxOpenPeerInitiatedBidirectionalStreams(10).build())
                .withLogger(new NullLogger())
                .build();
        server.registerApplicationProtocol(ALPN, new ApplicationProtocolConnectionFactory() {
            @Override
            public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
                return new ApplicationProtocolConnection() {
                    @Override
                    public void acceptPeerInitiatedStream(QuicStream stream) {
                        CompletableFuture.runAsync(() -> serve(stream, serverIdentity, serverSecrets, received));
                    }
                };
            }

            @Override
            public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
                return 0;
            }

            @Override
            public int maxConcurrentPeerInitiatedBidirectionalStreams() {
                return 10;
            }
        });
        server.start();
        QuicClientConnection client = QuicClientConnection.newBuilder()
                .uri(URI.create("//127.0.0.1:" + socket.getLocalPort()))
                .applicationProtocol(ALPN)
                .noServerCertificateCheck()
                .logger(new NullLogger())
                .build();
        try {
            client.connect();
            QuicStream first = client.createStream(true);
            SessionSecrets secrets = PeerHandshake.dial(clientIdentity, serverIdentity.peerId(),
                    first.getInputStream(), new FrameSizedWrites(first.getOutputStream(), 1000), new SecureRandom());
            assertThat(secrets.peer()).isEqualTo(serverIdentity.peerId());
            assertThat(serverSecrets.get(10, TimeUnit.SECONDS).peer()).isEqualTo(clientIdentity.peerId());
            assertThat(serverSecrets.get().transcriptHash()).isEqualTo(secrets.transcriptHash());

            QuicStream stream = client.createStream(true);
            try (OutputStream out = secrets.secureOutput(stream.getStreamId(),
                    new FrameSizedWrites(stream.getOutputStream(), 1000))) {
                out.write(data);
            }
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(data);
        } finally {
            client.close();
            server.close();
        }
    }

    private static void serve(QuicStream stream, Identity identity, CompletableFuture<SessionSecrets> secrets,
                              CompletableFuture<byte[]> received) {
        try {
            if (!secrets.isDone()) {
                secrets.complete(PeerHandshake.listen(identity, PeerPolicy.ANY, stream.getInputStream(),
                        new FrameSizedWrites(stream.getOutputStream(), 1000), new SecureRandom()));
                return;
            }
            try (InputStream in = secrets.get().secureInput(stream.getStreamId(), stream.getInputStream())) {
                received.complete(in.readAllBytes());
            }
        } catch (IOException | RuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
            secrets.completeExceptionally(e);
            received.completeExceptionally(e);
        }
    }
}
