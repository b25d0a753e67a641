package io.punchline.session;

import io.punchline.crypto.HandshakeException;
import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerHandshake;
import io.punchline.crypto.PeerPolicy;
import io.punchline.crypto.SessionSecrets;
import io.punchline.path.ConnectionIdOwner;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;
import io.punchline.path.QuicPacketHeader;
import io.punchline.path.VirtualDatagramSocket;
import io.punchline.quic.CongestionControllerSwap;
import io.punchline.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.impl.QuicClientConnectionImpl;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnection;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sets up peer connections on the engine socket: dials peers (a kwik client addressed to the peer's virtual address)
 * and accepts them (a kwik server connector on the engine socket's server side), runs the post-quantum handshake on
 * the first bidirectional stream before anything else, and hands out {@link PeerSession}s.
 *
 * <p>Peer connections use kwik's strict 1200-byte maximum packet size, so each packet fits one HTTP datagram on the
 * relay hop together with its 9-byte header.
 */
public final class PeerLinks implements AutoCloseable {

    /** ALPN of Punchline peer connections. */
    public static final String ALPN = "punchline/1";
    /**
     * A session whose peer stays silent this long is over (a killed process, a lost network): short, so a transfer
     * notices and resumes on a new session soon. Keepalive PINGs every half of it keep a quiet session open.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);
    /** kwik's keepAlive(seconds) is how long to keep pinging (every half idle timeout), not the interval. */
    static final int KEEPALIVE_SECONDS = (int) Duration.ofDays(7).toSeconds();
    static final int MAX_PEER_STREAMS = 256;
    static final long STREAM_BUFFER = 4L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);

    static {
        // peers are authenticated by the post-quantum handshake; the TLS certificate under it is not checked
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
    }

    private final Identity identity;
    private final EngineSocket socket;
    private final PathRouter router;
    private final ExecutorService executor;
    private final ServerConnector server;
    private final SecureRandom random = new SecureRandom();
    private final Duration handshakeTimeout;
    private volatile PeerPolicy policy = PeerPolicy.ANY;
    private volatile Consumer<PeerSession> onAccepted = session -> { };

    public PeerLinks(Identity identity, EngineSocket socket, PathRouter router, ExecutorService executor,
                     Duration handshakeTimeout) throws IOException {
        this.identity = identity;
        this.socket = socket;
        this.router = router;
        this.executor = executor;
        this.handshakeTimeout = handshakeTimeout;
        TlsIdentity tls = TlsIdentity.generate("punchline peer");
        VirtualDatagramSocket serverSocket = socket.serverSocket(router::send);
        try {
            server = ServerConnector.builder()
                    .withSocket(serverSocket)
                    .withKeyStore(tls.keyStore(), TlsIdentity.ALIAS, tls.keyPassword(), "secp256r1")
                    .withConfiguration(ServerConnectionConfig.builder()
                            .connectionIdLength(QuicPacketHeader.CONNECTION_ID_LENGTH)
                            .maxIdleTimeoutInSeconds((int) IDLE_TIMEOUT.toSeconds())
                            .maxOpenPeerInitiatedBidirectionalStreams(MAX_PEER_STREAMS)
                            .maxOpenPeerInitiatedUnidirectionalStreams(0)
                            .maxBidirectionalStreamBufferSize(STREAM_BUFFER)
                            .maxConnectionBufferSize(4 * STREAM_BUFFER)
                            .useStrictSmallestAllowedMaximumDatagramSize(true)
                            .retryRequired(false)
                            .build())
                    .withLogger(new NullLogger())
                    .build();
        } catch (CertificateException e) {
            serverSocket.close();
            throw new IOException("cannot create the peer TLS certificate: " + e.getMessage(), e);
        }
        server.registerApplicationProtocol(ALPN, new Acceptor());
        server.start();
    }

    /** Who may dial this engine (checked on the dialler's PeerId before any key material is spent). */
    public void setPolicy(PeerPolicy policy) {
        this.policy = policy;
    }

    public void onAccepted(Consumer<PeerSession> handler) {
        this.onAccepted = handler;
    }

    /**
     * Dials {@code contact}: a QUIC connection to its bind address (through the relay at first), then the post-quantum
     * handshake expecting exactly {@code contact.peer()}.
     */
    public PeerSession dial(PeerContact contact, Duration timeout) throws IOException {
        InetSocketAddress virtual = contact.bindAddress();
        VirtualDatagramSocket[] created = new VirtualDatagramSocket[1];
        QuicClientConnectionImpl.ExtendedBuilder builder = QuicClientConnectionImpl.newExtendedBuilder();
        builder.useStrictSmallestAllowedMaximumDatagramSize();
        builder.uri(URI.create("https://" + hostForUri(virtual) + ":" + virtual.getPort()))
                .applicationProtocol(ALPN)
                .connectionIdLength(QuicPacketHeader.CONNECTION_ID_LENGTH)
                .connectTimeout(timeout)
                .maxIdleTimeout(IDLE_TIMEOUT)
                .defaultStreamReceiveBufferSize(STREAM_BUFFER)
                .maxOpenPeerInitiatedBidirectionalStreams(MAX_PEER_STREAMS)
                .maxOpenPeerInitiatedUnidirectionalStreams(0)
                .noServerCertificateCheck()
                .socketFactory(address -> created[0] = socket.clientSocket(router::send))
                .logger(new NullLogger());
        QuicClientConnection quic = builder.build();
        socket.own(created[0], ConnectionIdOwner.of(quic));
        CongestionControllerSwap.apply(quic);
        try {
            quic.connect();
        } catch (IOException e) {
            quic.close();
            throw new IOException("cannot reach peer " + contact.peer().shortFingerprint() + " at " + virtual
                    + " through its relay: " + e.getMessage(), e);
        }
        quic.keepAlive(KEEPALIVE_SECONDS);
        QuicStream control = quic.createStream(true);
        StallGuardOutputStream out = new StallGuardOutputStream(control.getOutputStream());
        StallGuardInputStream in = new StallGuardInputStream(control.getInputStream());
        SessionSecrets secrets = withTimeout(quic, () -> PeerHandshake.dial(identity, contact.peer(), in, out, random));
        PeerSession session = new PeerSession(PeerSession.Side.DIALLER, quic, secrets, virtual, control, out, in, executor);
        quic.setPeerInitiatedStreamCallback(session::acceptStream);
        quic.setConnectionListener(event -> session.close("connection closed"));
        return session;
    }

    private interface Handshake {
        SessionSecrets run() throws IOException;
    }

    private SessionSecrets withTimeout(QuicConnection quic, Handshake handshake) throws IOException {
        CompletableFuture<SessionSecrets> result = CompletableFuture.supplyAsync(() -> {
            try {
                return handshake.run();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
        try {
            return result.get(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            quic.close();
            throw new IOException("post-quantum handshake timed out after " + handshakeTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            quic.close();
            throw new IOException("interrupted during the handshake");
        } catch (ExecutionException e) {
            quic.close();
            Throwable cause = e.getCause();
            if (cause instanceof HandshakeException handshakeException) {
                throw handshakeException;
            }
            throw cause instanceof IOException io ? io : new IOException("handshake failed: " + cause, cause);
        }
    }

    static String hostForUri(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** One accepted connection: its first stream carries the handshake; later streams wait for it. */
    private final class Incoming implements ApplicationProtocolConnection {
        private final QuicConnection quic;
        private final InetSocketAddress virtual;
        private final CompletableFuture<PeerSession> session = new CompletableFuture<>();
        private boolean first = true;

        Incoming(QuicConnection quic) {
            this.quic = quic;
            this.virtual = ((ServerConnection) quic).getInitialRemoteAddress();
            CongestionControllerSwap.apply(quic);
        }

        @Override
        public void acceptPeerInitiatedStream(QuicStream stream) {
            boolean handshakeStream;
            synchronized (this) {
                handshakeStream = first;
                first = false;
            }
            if (handshakeStream) {
                executor.execute(() -> handshake(stream));
            } else {
                session.thenAccept(s -> s.acceptStream(stream));
            }
        }

        private void handshake(QuicStream stream) {
            StallGuardOutputStream out = new StallGuardOutputStream(stream.getOutputStream());
            StallGuardInputStream in = new StallGuardInputStream(stream.getInputStream());
            try {
                SessionSecrets secrets = withTimeout(quic, () -> PeerHandshake.listen(identity, policy, in, out, random));
                PeerSession accepted = new PeerSession(PeerSession.Side.LISTENER, quic, secrets, virtual, stream, out, in,
                        executor);
                quic.setConnectionListener(event -> accepted.close("connection closed"));
                onAccepted.accept(accepted);
                session.complete(accepted);
            } catch (IOException e) {
                LOG.info("refused a peer connection from {}: {}", virtual, e.getMessage());
                out.abandon();
                session.completeExceptionally(e);
                quic.close();
            }
        }
    }

    private final class Acceptor implements ApplicationProtocolConnectionFactory {
        @Override
        public ApplicationProtocolConnection createConnection(String protocol, QuicConnection quic) {
            return new Incoming(quic);
        }

        @Override
        public int maxConcurrentPeerInitiatedBidirectionalStreams() {
            return MAX_PEER_STREAMS;
        }

        @Override
        public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
            return 0;
        }

        @Override
        public long maxTotalPeerInitiatedUnidirectionalStreams() {
            return 0;
        }

        @Override
        public long maxBidirectionalStreamReceiverBufferSize() {
            return STREAM_BUFFER;
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
