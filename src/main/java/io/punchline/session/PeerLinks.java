package io.punchline.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.AttributeKey;
import io.punchline.crypto.HandshakeException;
import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerHandshake;
import io.punchline.crypto.PeerId;
import io.punchline.crypto.PeerPolicy;
import io.punchline.crypto.SessionSecrets;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;
import io.punchline.quic.TlsGroup;
import io.punchline.tls.NoClientCertificates;
import io.punchline.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sets up peer connections on the engine socket (docs/ARCHITECTURE.md, "Peer sessions"): Netty's QUIC codec over
 * native quiche, a client codec for the connections this engine dials (addressed to the peer's virtual address) and a
 * server codec for those it accepts; runs the post-quantum handshake on the first bidirectional stream before anything
 * else, and hands out {@link PeerSession}s.
 *
 * <p>Transport settings (BBR, 1200-byte packets, windows, TLS groups with X25519MLKEM768 first): {@link PeerTransport};
 * where the socket can, quiche hands over several packets to one peer as one segmented write (UDP GSO).
 */
public final class PeerLinks implements AutoCloseable {

    /** ALPN of Punchline peer connections. */
    public static final String ALPN = "punchline/2";
    /** Connections that have not yet finished the post-quantum handshake; more are refused at once. */
    static final int MAX_PENDING_HANDSHAKES = 16;
    /** Streams a dialler may open before this side finished verifying its handshake; more are reset. */
    static final int MAX_EARLY_STREAMS = 4;
    /** Sessions accepted and open at once. */
    static final int MAX_ACCEPTED_SESSIONS = 128;

    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
    private static final AttributeKey<Consumer<StreamBridge>> STREAMS = AttributeKey.valueOf("punchline.peer.streams");

    private final Identity identity;
    private final EngineSocket socket;
    private final ExecutorService executor;
    private final SecureRandom random = new SecureRandom();
    private final Duration handshakeTimeout;
    private final AtomicInteger pendingHandshakes = new AtomicInteger();
    private final AtomicInteger acceptedSessions = new AtomicInteger();
    private final ChannelHandler serverCodec;
    private final ChannelHandler clientCodec;
    private final SegmentedDatagramPacketAllocator segments;
    private volatile PeerPolicy policy = PeerPolicy.ANY;
    private volatile Consumer<PeerSession> onAccepted = session -> { };

    /** Fails with a clear message where Netty ships no native QUIC library for this OS and CPU. */
    public static void requireNativeQuic() throws IOException {
        if (!Quic.isAvailable()) {
            Throwable cause = Quic.unavailabilityCause();
            throw new IOException("native QUIC (quiche) is not available for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ": " + (cause == null ? "unknown reason" : cause.getMessage())
                    + "; Punchline ships it for linux-x86_64 (the installers bundle their platform's file)", cause);
        }
    }

    public PeerLinks(Identity identity, EngineSocket socket, PathRouter router, ExecutorService executor,
                     Duration handshakeTimeout) throws IOException {
        requireNativeQuic();
        this.identity = identity;
        this.socket = socket;
        this.executor = executor;
        this.handshakeTimeout = handshakeTimeout;
        TlsIdentity tls = TlsIdentity.generate("punchline peer");
        QuicSslContext serverTls = QuicSslContextBuilder.forServer(tls.keyManager(), null)
                .trustManager(NoClientCertificates.INSTANCE)
                .applicationProtocols(ALPN)
                .option(BoringSSLContextOption.GROUPS, PeerTransport.GROUPS)
                .build();
        // peers authenticate each other in the post-quantum handshake above QUIC; the certificate is not checked
        QuicSslContext clientTls = QuicSslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(ALPN)
                .option(BoringSSLContextOption.GROUPS, PeerTransport.GROUPS)
                .build();
        this.segments = socket.maxSegments() > 0 ? EpollQuicUtils.newSegmentedAllocator(socket.maxSegments())
                : SegmentedDatagramPacketAllocator.NONE;
        this.serverCodec = PeerTransport.configure(new QuicServerCodecBuilder())
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segments)
                .sslContext(serverTls)
                .tokenHandler(null)
                .handler(new AcceptedConnections())
                .streamHandler(new PeerStreams())
                .build();
        this.clientCodec = PeerTransport.configure(new QuicClientCodecBuilder()).sslContext(clientTls).build();
        socket.installPeerCodecs(serverCodec, clientCodec, router);
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
        return dial(contact.peer(), contact.bindAddress(), timeout);
    }

    /** Dials {@code peer} at {@code virtual} (its bind address on its relay), as {@link #dial(PeerContact, Duration)}. */
    PeerSession dial(PeerId peer, InetSocketAddress virtual, Duration timeout) throws IOException {
        byte[] connectionId = socket.dialledIds().allocate();
        CompletableFuture<Consumer<StreamBridge>> streams = new CompletableFuture<>();
        QuicChannel quic;
        try {
            quic = QuicChannel.newBootstrap(socket.channel())
                    // the dialler opens no stream of the peer's kind before the handshake; the peer's wait for it
                    .attr(STREAMS, bridge -> streams.thenAccept(handler -> handler.accept(bridge)))
                    .handler(new ConnectionHandler())
                    .streamHandler(new PeerStreams())
                    .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segments)
                    .remoteAddress(virtual)
                    .connectionAddress(new QuicConnectionAddress(connectionId))
                    .connect()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            socket.dialledIds().release(connectionId);
            throw new IOException("interrupted while reaching peer " + peer.shortFingerprint());
        } catch (ExecutionException | TimeoutException e) {
            socket.dialledIds().release(connectionId);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("cannot reach peer " + peer.shortFingerprint() + " at " + virtual
                    + " through its relay: " + (cause instanceof TimeoutException
                    ? "no answer within " + timeout.toSeconds() + " s" : String.valueOf(cause.getMessage())), cause);
        }
        quic.closeFuture().addListener(done -> socket.dialledIds().release(connectionId));
        StreamBridge bridge = new StreamBridge();
        try {
            quic.createStream(QuicStreamType.BIDIRECTIONAL, bridge)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            quic.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot open the handshake stream to " + peer.shortFingerprint(), e);
        }
        SessionSecrets secrets = withTimeout(quic, () -> PeerHandshake.dial(identity, peer, bridge.input(),
                bridge.output(), random));
        PeerSession session = new PeerSession(PeerSession.Side.DIALLER, quic, secrets, virtual, groupWith(virtual), bridge,
                executor);
        streams.complete(session::acceptStream);
        return session;
    }

    private String groupWith(InetSocketAddress virtual) {
        return socket.handshakeGroup(virtual).map(TlsGroup::name).orElse("unknown");
    }

    private interface Handshake {
        SessionSecrets run() throws IOException;
    }

    private SessionSecrets withTimeout(QuicChannel quic, Handshake handshake) throws IOException {
        CompletableFuture<SessionSecrets> result = CompletableFuture.supplyAsync(() -> {
            try {
                return handshake.run();
            } catch (IOException e) {
                throw new CompletionException(e);
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

    /**
     * One accepted connection: its first stream carries the handshake. Of the streams opened before the handshake is
     * done, {@link #MAX_EARLY_STREAMS} wait unread for it (the dialler finishes first), the rest are reset; too many
     * connections waiting for their handshake are refused.
     */
    private void accepted(QuicChannel quic) {
        if (pendingHandshakes.incrementAndGet() > MAX_PENDING_HANDSHAKES
                || acceptedSessions.get() >= MAX_ACCEPTED_SESSIONS) {
            pendingHandshakes.decrementAndGet();
            LOG.info("refused a peer connection from {}: too many connections", quic.remoteSocketAddress());
            quic.close(true, 0x2, Unpooled.EMPTY_BUFFER);
            return;
        }
        AtomicBoolean pending = new AtomicBoolean(true);
        Runnable handshakeOver = () -> {
            if (pending.compareAndSet(true, false)) {
                pendingHandshakes.decrementAndGet();
            }
        };
        InetSocketAddress virtual = quic.remoteSocketAddress() instanceof InetSocketAddress address
                ? address : new InetSocketAddress(0);
        AtomicInteger streamCount = new AtomicInteger();
        CompletableFuture<PeerSession> session = new CompletableFuture<>();
        quic.attr(STREAMS).set(bridge -> {
            int number = streamCount.getAndIncrement();
            if (number == 0) {
                executor.execute(() -> {
                    try {
                        handshake(quic, virtual, bridge, session);
                    } finally {
                        handshakeOver.run();
                    }
                });
            } else if (session.isDone()) {
                if (session.isCompletedExceptionally() || session.isCancelled()) {
                    bridge.abort();
                } else {
                    session.join().acceptStream(bridge);
                }
            } else if (number <= MAX_EARLY_STREAMS) {
                // the dialler is done once it sent its proof and may open a stream at once, while this side still
                // verifies that proof: a few such streams wait, unread (quiche's flow control holds their data), and
                // are reset if the handshake fails; any more are reset at once, never buffered
                bridge.hold();
                session.whenComplete((accepted, failure) -> {
                    if (failure != null) {
                        bridge.abort();
                    } else {
                        bridge.release();
                        accepted.acceptStream(bridge);
                    }
                });
            } else {
                bridge.abort();
            }
        });
        quic.closeFuture().addListener(done -> {
            handshakeOver.run();
            if (!session.isDone()) {
                session.cancel(false);
            }
        });
    }

    private void handshake(QuicChannel quic, InetSocketAddress virtual, StreamBridge bridge,
                           CompletableFuture<PeerSession> session) {
        try {
            SessionSecrets secrets = withTimeout(quic, () -> PeerHandshake.listen(identity, policy, bridge.input(),
                    bridge.output(), random));
            PeerSession accepted = new PeerSession(PeerSession.Side.LISTENER, quic, secrets, virtual, groupWith(virtual),
                    bridge, executor);
            acceptedSessions.incrementAndGet();
            accepted.closed().thenRun(acceptedSessions::decrementAndGet);
            session.complete(accepted);
            onAccepted.accept(accepted);
        } catch (IOException e) {
            LOG.info("refused a peer connection from {}: {}", virtual, e.getMessage());
            bridge.abort();
            session.completeExceptionally(e);
            quic.close();
        }
    }

    /** On every peer QUIC connection: drops keepalive datagrams. */
    private static final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf datagram) {
                datagram.release(); // a keepalive
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("peer connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        }
    }

    /** Set up on each connection the server codec accepts, before any of its packets is processed. */
    private final class AcceptedConnections extends ChannelInitializer<QuicChannel> {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        protected void initChannel(QuicChannel quic) {
            quic.pipeline().addLast(new ConnectionHandler());
            accepted(quic);
        }
    }

    /** Every stream the peer opens gets a bridge and goes to its connection's stream consumer. */
    private static final class PeerStreams extends ChannelInitializer<QuicStreamChannel> {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        protected void initChannel(QuicStreamChannel stream) {
            StreamBridge bridge = new StreamBridge();
            stream.pipeline().addLast(bridge);
            Consumer<StreamBridge> consumer = stream.parent().attr(STREAMS).get();
            if (consumer == null) {
                stream.close();
                return;
            }
            consumer.accept(bridge);
        }
    }

    @Override
    public void close() {
        // the codecs close their connections when the engine socket's channel closes
    }
}
