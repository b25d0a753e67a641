package io.punchline.path;

import io.punchline.tls.TlsIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kwik client connections and a kwik server connector sharing one UDP socket per engine through the demultiplexer:
 * two engines dial each other at the same time over the same address pair, and every stream lands on the right
 * connection (routing by connection ID, not by address).
 */
@Timeout(60)
class KwikOverEngineSocketTest {

    static final String ALPN = "punchline-test";

    static final class Engine implements AutoCloseable {
        final EngineSocket socket;
        final ServerConnector server;
        final CompletableFuture<String> served = new CompletableFuture<>();

        Engine(String name) throws Exception {
            socket = EngineSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            VirtualDatagramSocket serverSocket = socket.serverSocket(socket::send);
            TlsIdentity tls = TlsIdentity.generate(name);
            server = ServerConnector.builder()
                    .withSocket(serverSocket)
                    .withKeyStore(tls.keyStore(), TlsIdentity.ALIAS, tls.keyPassword(), "secp256r1")
                    .withConfiguration(ServerConnectionConfig.builder().connectionIdLength(QuicPacketHeader.CONNECTION_ID_LENGTH)
                            .maxOpenPeerInitiatedBidirectionalStreams(10).retryRequired(false).build())
                    .withLogger(new NullLogger())
                    .build();
            server.registerApplicationProtocol(ALPN, new ApplicationProtocolConnectionFactory() {
                @Override
                public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
                    return new ApplicationProtocolConnection() {
                        @Override
                        public void acceptPeerInitiatedStream(QuicStream stream) {
                            try {
                                String request = new String(stream.getInputStream().readAllBytes());
                                stream.getOutputStream().write((name + " got " + request).getBytes());
                                stream.getOutputStream().close();
                                served.complete(request);
                            } catch (IOException e) {
                                served.completeExceptionally(e);
                            }
                        }
                    };
                }

                @Override
                public int maxConcurrentPeerInitiatedBidirectionalStreams() {
                    return 10;
                }
            });
            server.start();
        }

        QuicClientConnection dial(InetSocketAddress peer) throws Exception {
            VirtualDatagramSocket[] created = new VirtualDatagramSocket[1];
            System.setProperty("tech.kwik.core.no-security-warnings", "true");
            QuicClientConnection connection = QuicClientConnection.newBuilder()
                    .uri(URI.create("https://127.0.0.1:" + peer.getPort()))
                    .applicationProtocol(ALPN)
                    .connectionIdLength(QuicPacketHeader.CONNECTION_ID_LENGTH)
                    .noServerCertificateCheck()
                    .connectTimeout(Duration.ofSeconds(10))
                    .socketFactory(address -> created[0] = socket.clientSocket(socket::send))
                    .logger(new NullLogger())
                    .build();
            socket.own(created[0], ConnectionIdOwner.of(connection));
            connection.connect();
            return connection;
        }

        @Override
        public void close() {
            server.close();
            socket.close();
        }
    }

    static String exchange(QuicClientConnection connection, String message) throws Exception {
        QuicStream stream = connection.createStream(true);
        stream.getOutputStream().write(message.getBytes());
        stream.getOutputStream().close();
        return new String(stream.getInputStream().readAllBytes());
    }

    @Test
    void twoEnginesDialEachOtherOverTheSameAddressPairAndEachStreamReachesItsConnection() throws Exception {
        try (Engine a = new Engine("a"); Engine b = new Engine("b")) {
            CompletableFuture<QuicClientConnection> aToB = CompletableFuture.supplyAsync(() -> dialQuietly(a, b));
            CompletableFuture<QuicClientConnection> bToA = CompletableFuture.supplyAsync(() -> dialQuietly(b, a));
            QuicClientConnection fromA = aToB.get(20, TimeUnit.SECONDS);
            QuicClientConnection fromB = bToA.get(20, TimeUnit.SECONDS);
            assertThat(exchange(fromA, "hello b")).isEqualTo("b got hello b");
            assertThat(exchange(fromB, "hello a")).isEqualTo("a got hello a");
            assertThat(a.served.get(5, TimeUnit.SECONDS)).isEqualTo("hello a");
            assertThat(b.served.get(5, TimeUnit.SECONDS)).isEqualTo("hello b");
            fromA.close();
            fromB.close();
        }
    }

    private static QuicClientConnection dialQuietly(Engine from, Engine to) {
        try {
            return from.dial(to.socket.localAddress());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
