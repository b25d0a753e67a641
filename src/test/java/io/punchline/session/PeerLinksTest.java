package io.punchline.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.punchline.crypto.Identity;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an accepting engine does with a QUIC client that has not (yet) proven anything (issue 11, point 8): a stream
 * opened before the post-quantum handshake is done is reset, not buffered, and connections waiting for their handshake
 * are capped. The client here is a plain Netty QUIC client on its own socket, the engine socket answers it directly.
 */
@Timeout(60)
class PeerLinksTest {

    private EngineSocket socket;
    private PeerLinks links;
    private ExecutorService executor;
    private EventLoopGroup clientLoop;
    private Channel clientChannel;

    @BeforeEach
    void start() throws Exception {
        socket = EngineSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        // no relay here: "through the relay" means straight from the engine socket to the address
        PathRouter router = new PathRouter((target, data, offset, length) -> socket.send(data, offset, length, target));
        executor = Executors.newCachedThreadPool();
        links = new PeerLinks(Identity.generate(new SecureRandom()), socket, router, executor, Duration.ofSeconds(5));
        clientLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        clientChannel = new Bootstrap().group(clientLoop).channel(NioDatagramChannel.class)
                .handler(new QuicClientCodecBuilder()
                        .sslContext(QuicSslContextBuilder.forClient()
                                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                                .applicationProtocols(PeerLinks.ALPN).build())
                        .maxIdleTimeout(20, TimeUnit.SECONDS)
                        .initialMaxData(1 << 20)
                        .initialMaxStreamDataBidirectionalLocal(1 << 20)
                        .initialMaxStreamDataBidirectionalRemote(1 << 20)
                        .initialMaxStreamsBidirectional(10)
                        .build())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    @AfterEach
    void stop() {
        clientChannel.close().syncUninterruptibly();
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        links.close();
        socket.close();
        executor.shutdownNow();
    }

    private QuicChannel connect() throws Exception {
        return QuicChannel.newBootstrap(clientChannel)
                .handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInboundHandlerAdapter())
                .remoteAddress(socket.localAddress())
                .connect().get(10, TimeUnit.SECONDS);
    }

    @Test
    void streamsOpenedBeforeThePostQuantumHandshakeWaitUnreadUpToAFewAndTheRestAreReset() throws Exception {
        QuicChannel quic = connect();
        // the first stream is the handshake stream: the client stays silent on it
        QuicStreamChannel handshake = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter())
                .get(5, TimeUnit.SECONDS);
        handshake.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).sync();
        List<CompletableFuture<Throwable>> failures = new ArrayList<>();
        for (int i = 0; i <= PeerLinks.MAX_EARLY_STREAMS; i++) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            failures.add(failed);
            QuicStreamChannel early = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).release();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    failed.complete(cause);
                }
            }).get(5, TimeUnit.SECONDS);
            early.writeAndFlush(Unpooled.wrappedBuffer(new byte[64 * 1024]));
        }
        CompletableFuture<Throwable> oneTooMany = failures.get(PeerLinks.MAX_EARLY_STREAMS);
        assertThat(oneTooMany.get(10, TimeUnit.SECONDS)).as("the engine resets the stream over the limit at once")
                .hasMessageContaining("STREAM_RESET");
        assertThat(failures.subList(0, PeerLinks.MAX_EARLY_STREAMS)).as("the first few wait for the handshake")
                .noneMatch(CompletableFuture::isDone);
        // the handshake never completes: the engine gives up on it and the waiting streams go with the connection
        assertThat(quic.closeFuture().await(30, TimeUnit.SECONDS)).as("connection closed after the handshake timeout")
                .isTrue();
    }

    @Test
    void connectionsWaitingForTheirHandshakeAreCappedAndTheNextIsClosedAtOnce() throws Exception {
        List<QuicChannel> waiting = new ArrayList<>();
        for (int i = 0; i < PeerLinks.MAX_PENDING_HANDSHAKES; i++) {
            waiting.add(connect());
        }
        QuicChannel oneTooMany;
        try {
            oneTooMany = connect();
        } catch (Exception refusedDuringTheTlsHandshake) {
            return; // refused even before it finished connecting: as good
        }
        assertThat(oneTooMany.closeFuture().await(10, TimeUnit.SECONDS)).as("the connection over the cap is closed").isTrue();
        assertThat(waiting).allMatch(Channel::isActive);
    }
}
