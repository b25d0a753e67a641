package io.punchline.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.punchline.tls.TlsIdentity;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

/**
 * The witness on a real QUIC v1 handshake: a kwik 0.10.8 client and server on loopback, with a UDP forwarder between
 * them that keeps a copy of every datagram, as an on-path observer would. kwik's client sends only a secp256r1 key
 * share, so that is the group the server's Initial must show.
 */
class HandshakeGroupsKwikTest {

    private static final String ALPN = "punchline-witness-test";

    @Test
    void anOnPathObserverReadsTheGroupOfARealKwikHandshake() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), this::handshakeThroughTheTap);
    }

    private void handshakeThroughTheTap() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatagramSocket serverSocket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        TlsIdentity tls = TlsIdentity.generate("witness");
        ServerConnector server = ServerConnector.builder()
                .withSocket(serverSocket)
                .withKeyStore(tls.keyStore(), TlsIdentity.ALIAS, tls.keyPassword())
                .withConfiguration(ServerConnectionConfig.builder().maxIdleTimeoutInSeconds(30).retryRequired(false)
                        .build())
                .withLogger(new NullLogger())
                .build();
        server.registerApplicationProtocol(ALPN, new ApplicationProtocolConnectionFactory() {
            @Override
            public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
                return new ApplicationProtocolConnection() {
                };
            }
        });
        server.start();
        Tap tap = new Tap(new DatagramSocket(new InetSocketAddress(loopback, 0)), serverSocket.getLocalSocketAddress());
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
        QuicClientConnection client = QuicClientConnection.newBuilder()
                .uri(URI.create("https://127.0.0.1:" + tap.socket.getLocalPort()))
                .applicationProtocol(ALPN)
                .noServerCertificateCheck()
                .connectTimeout(Duration.ofSeconds(20))
                .logger(new NullLogger())
                .build();
        try {
            client.connect();
        } finally {
            client.close();
            tap.socket.close();
            server.close();
        }

        Optional<byte[]> originalDcid = InitialPackets.firstInitialDestinationConnectionId(tap.fromClient.get(0));
        assertThat(originalDcid).isPresent();
        List<TlsGroup> witnessed = tap.fromServer.stream()
                .map(datagram -> HandshakeGroups.fromServerInitial(originalDcid.get(), datagram))
                .flatMap(Optional::stream)
                .toList();
        assertThat(witnessed).isNotEmpty().containsOnly(TlsGroup.SECP256R1);
        // the client's own Initial opens with the client keys of the same ID, and holds no ServerHello
        assertThat(InitialPackets.open(tap.fromClient.get(0), InitialKeys.client(originalDcid.get())).packetNumber())
                .isZero();
        assertThat(HandshakeGroups.fromServerInitial(originalDcid.get(), tap.fromClient.get(0))).isEmpty();
    }

    /** Forwards client datagrams to the server and the server's back, keeping a copy of each. */
    private static final class Tap {
        final DatagramSocket socket;
        final List<byte[]> fromClient = new CopyOnWriteArrayList<>();
        final List<byte[]> fromServer = new CopyOnWriteArrayList<>();

        Tap(DatagramSocket socket, SocketAddress server) {
            this.socket = socket;
            Thread forwarder = new Thread(() -> {
                SocketAddress client = null;
                byte[] buffer = new byte[65_535];
                try {
                    while (true) {
                        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                        socket.receive(packet);
                        byte[] copy = Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                                packet.getOffset() + packet.getLength());
                        if (packet.getSocketAddress().equals(server)) {
                            fromServer.add(copy);
                            socket.send(new DatagramPacket(copy, copy.length, client));
                        } else {
                            client = packet.getSocketAddress();
                            fromClient.add(copy);
                            socket.send(new DatagramPacket(copy, copy.length, server));
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the test closed the socket
                }
            }, "witness-tap");
            forwarder.setDaemon(true);
            forwarder.start();
        }
    }
}
