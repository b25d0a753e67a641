package io.punchline.path;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.punchline.quic.TlsGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine's one UDP socket (docs/ARCHITECTURE.md, "Path layer") and its demultiplexer, a Netty datagram channel
 * (epoll with batched receives on Linux, NIO elsewhere).
 * Everything goes through it: the kwik connection to the relay, every peer connection (Netty's QUIC codec over quiche)
 * when it runs direct, and path probes; sharing the socket is what makes the address the relay observes the one a peer
 * must punch toward.
 *
 * <p>The channel's pipeline is {@code [demux, server codec, client codec]}. Each datagram, whether it came in on the
 * socket or through the relay bind, is dispatched by its first byte and destination connection ID (RFC 9000 section
 * 17):
 * <ul>
 *   <li>QUIC fixed bit clear: a Punchline message (path probe, reflexive-address echo) for the {@link ProbeHandler};</li>
 *   <li>a QUIC packet whose destination connection ID the relay connection (kwik) owns: to its virtual socket;</li>
 *   <li>a QUIC packet for a peer connection this engine dialled (its connection ID is in {@link #dialledIds()}): to the
 *   client codec; any other QUIC packet: to the server codec (peer connections this engine accepts). Routing by remote
 *   address alone would be wrong: two engines may each dial the other over the same address pair.</li>
 * </ul>
 * Peer packets reach the codecs with the peer's stable virtual address as their source, and what the codecs send to a
 * virtual address is routed by the {@link PathRouter} (direct, or through the relay), so quiche never sees a path
 * change. Both codecs run on the channel's one event-loop thread.
 */
public final class EngineSocket implements AutoCloseable {

    /** Receives Punchline's non-QUIC datagrams (on the socket's event-loop thread: hand long work elsewhere). */
    public interface ProbeHandler {
        /** {@code tie}: {@link SidePorts#tieFor} on a side port, {@link SidePorts#untieFor} here; null via the relay. */
        void onProbe(byte[] data, int offset, int length, InetSocketAddress source, boolean viaRelay, Tie tie);
    }

    /** Ties a peer address to the side port its authenticated probe came in on. */
    public interface Tie {
        /** {@code replace}: even when the address is tied to another port already (else only when it is not). */
        void tie(boolean replace);
    }


    /** Decides where a peer packet sent to a virtual address goes, and which virtual address a direct source is. */
    public interface PeerRoutes {
        /** The direct address for datagrams to {@code virtualAddress}, or null to send them through the relay. */
        InetSocketAddress directFor(InetSocketAddress virtualAddress);

        /** Sends a peer packet through the relay bind (called on the event loop; must not block). */
        void sendThroughRelay(InetSocketAddress virtualAddress, ByteBuf packet);

        /** The virtual address of a peer whose direct path is {@code source}, or {@code source} itself. */
        InetSocketAddress virtualFor(InetSocketAddress source);

        /** Counts a datagram sent direct. */
        void sentDirect(int bytes);
    }

    private static final Logger LOG = LoggerFactory.getLogger(EngineSocket.class);
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;
    private static final int RECEIVE_BUFFER = 2048;
    private static final int BATCH = 16;
    /**
     * Most QUIC packets the codecs hand over in one segmented write (Linux UDP GSO, {@code UDP_SEGMENT}): one system
     * call and one trip through the kernel's stack (and a lab's NAT rules) for up to this many packets to one peer.
     */
    private static final int MAX_SEGMENTS = 16;

    private final EventLoopGroup loop;
    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final boolean segmentedSends;
    private final Demux demux = new Demux();
    private final List<ClientRoute> clients = new CopyOnWriteArrayList<>();
    private final ConnectionIds dialled = new ConnectionIds();
    private final HandshakeWitness witness = new HandshakeWitness();
    private final RelayInbox fromRelay;
    private final SidePorts sidePorts;
    private volatile ProbeHandler probeHandler = (d, o, l, s, r, t) -> { };
    private volatile PeerRoutes routes;
    private volatile ChannelHandlerContext serverCodec;
    private volatile boolean closed;

    private static final class ClientRoute {
        final VirtualDatagramSocket socket;
        volatile ConnectionIdOwner owner;

        ClientRoute(VirtualDatagramSocket socket) {
            this.socket = socket;
        }
    }

    private EngineSocket(InetSocketAddress local) throws SocketException {
        boolean epoll = Epoll.isAvailable();
        this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("engine-socket-" + local.getPort(), true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            Bootstrap bootstrap = bootstrap(loop, epoll).handler(demux);
            this.channel = DualStack.bind(bootstrap, local);
            this.sidePorts = new SidePorts(bootstrap, (data, source, tie) -> probeHandler.onProbe(data, 0, data.length,
                    source, false, tie), packet -> demux.dispatch(demux.ctx, packet, false), () -> demux.readComplete(demux.ctx));
            this.fromRelay = new RelayInbox(channel, channel.localAddress(), packet -> {
                if (closed || demux.ctx == null) {
                    return false;
                }
                demux.dispatch(demux.ctx, packet, true);
                return true;
            }, () -> demux.readComplete(demux.ctx));
        } catch (RuntimeException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            SocketException failure = new SocketException("cannot bind UDP " + local + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        this.localAddress = channel.localAddress();
        this.segmentedSends = epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported()
                && !"false".equals(System.getProperty("punchline.udp.gso"));
    }

    /** The engine socket's settings: large kernel buffers, no broadcast, batched receives (recvmmsg) with epoll. */
    private static Bootstrap bootstrap(EventLoopGroup loop, boolean epoll) {
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_BROADCAST, false);
        if (epoll) {
            return bootstrap.channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, RECEIVE_BUFFER)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER * BATCH));
        }
        return bootstrap.channel(NioDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER));
    }

    /**
     * How many QUIC packets to one peer the codecs may hand over as one segmented datagram write (UDP GSO): 0 where
     * the socket cannot (NIO, an old kernel, or {@code -Dpunchline.udp.gso=false}).
     */
    public int maxSegments() {
        return segmentedSends ? MAX_SEGMENTS : 0;
    }

    /**
     * Binds the engine's socket ({@code port} 0: any free port) and starts reading it. The IPv6 wildcard {@code ::}
     * gives one dual-stack socket: {@code IPV6_V6ONLY} is off (Netty's epoll transport and the JDK's NIO channel both
     * clear it), so IPv4 peers reach it too and are seen as plain IPv4 addresses, never IPv4-mapped ones.
     */
    public static EngineSocket bind(InetSocketAddress local) throws SocketException {
        return new EngineSocket(local);
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The Netty channel the QUIC codecs sit on (for {@code QuicChannel.newBootstrap}). */
    public DatagramChannel channel() {
        return channel;
    }

    /** The connection IDs of the peer connections this engine dialled; packets to them go to the client codec. */
    public ConnectionIds dialledIds() {
        return dialled;
    }

    /** The TLS key-exchange group of the QUIC handshake with the peer at {@code virtualAddress}, once seen. */
    public Optional<TlsGroup> handshakeGroup(InetSocketAddress virtualAddress) {
        return witness.group(virtualAddress);
    }

    /** Forgets what was observed of a peer's handshakes (its session ended). */
    public void forgetPeer(InetSocketAddress virtualAddress) {
        witness.forget(virtualAddress);
    }

    /**
     * Puts the QUIC codecs for peer connections on the socket: {@code server} accepts connections, {@code client}
     * carries the ones this engine dials; {@code routes} decides how their packets travel.
     */
    public void installPeerCodecs(ChannelHandler server, ChannelHandler client, PeerRoutes routes) {
        this.routes = routes;
        channel.eventLoop().submit(() -> {
            String head = channel.pipeline().context(demux).name();
            channel.pipeline().addAfter(head, "quic-server", server);
            channel.pipeline().addAfter("quic-server", "quic-client", client);
            serverCodec = channel.pipeline().context("quic-server");
        }).syncUninterruptibly();
    }

    /**
     * A socket for a kwik client connection (the relay connection); call {@link #own} with the connection once it is
     * built. Until then, nothing can arrive for it (it has sent nothing).
     */
    public VirtualDatagramSocket clientSocket(VirtualDatagramSocket.Outbound outbound) throws SocketException {
        ClientRoute[] holder = new ClientRoute[1];
        VirtualDatagramSocket virtual = new VirtualDatagramSocket(localAddress, outbound, () -> clients.remove(holder[0]));
        holder[0] = new ClientRoute(virtual);
        clients.add(holder[0]);
        return virtual;
    }

    /** Routes QUIC packets whose destination connection ID {@code owner} claims to {@code socket}. */
    public void own(VirtualDatagramSocket socket, ConnectionIdOwner owner) {
        for (ClientRoute route : clients) {
            if (route.socket == socket) {
                route.owner = owner;
            }
        }
    }

    public void setProbeHandler(ProbeHandler handler) {
        this.probeHandler = handler;
    }

    /** Sends a datagram from the engine's socket as it is (probes, echoes, the relay connection's packets). */
    public void send(byte[] data, int offset, int length, InetSocketAddress to) throws IOException {
        if (closed) {
            throw new SocketException("engine socket closed");
        }
        if (sidePorts.send(data, offset, length, to)) {
            return;
        }
        ChannelHandlerContext ctx = demux.ctx;
        ByteBuf copy = Unpooled.copiedBuffer(data, offset, length);
        ctx.writeAndFlush(new DatagramPacket(copy, to), ctx.voidPromise());
    }

    /**
     * Opens a side port per element of {@code targets} and sends {@code opener} from port {@code i} to
     * {@code targets.get(i)}, in index order (docs/ARCHITECTURE.md, "Hard NATs"); blocks while binding. A peer address
     * whose authenticated probe arrives on one is tied to it.
     */
    public PortSet openPorts(List<InetSocketAddress> targets, byte[] opener) {
        return sidePorts.open(targets, opener);
    }

    /** A datagram that reached this engine through its relay bind, from {@code source} (a peer's bind address). */
    public void deliverFromRelay(InetSocketAddress source, byte[] data, int offset, int length) {
        if (!closed) {
            fromRelay.add(source, data, offset, length);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ClientRoute route : clients) {
            route.socket.close();
        }
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        fromRelay.clear();
    }

    /** The head of the pipeline: dispatches what comes in, routes what the codecs send. */
    private final class Demux extends ChannelDuplexHandler {
        private volatile ChannelHandlerContext ctx;
        private final byte[] header = new byte[1 + 4 + 1 + 20];

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
                dispatch(ctx, packet, false);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readComplete(ctx);
        }

        void readComplete(ChannelHandlerContext ctx) {
            // each codec consumes its read-complete signal without passing it on: give one to each
            ctx.fireChannelReadComplete();
            ChannelHandlerContext server = serverCodec;
            if (server != null) {
                server.fireChannelReadComplete();
            }
        }

        void dispatch(ChannelHandlerContext ctx, DatagramPacket packet, boolean viaRelay) {
            ByteBuf content = packet.content();
            int length = content.readableBytes();
            InetSocketAddress source = packet.sender();
            try {
                if (length == 0) {
                    packet.release();
                    return;
                }
                int headerLength = Math.min(length, header.length);
                content.getBytes(content.readerIndex(), header, 0, headerLength);
                if (!QuicPacketHeader.isQuic(header, 0, headerLength)) {
                    byte[] data = new byte[length];
                    content.getBytes(content.readerIndex(), data);
                    packet.release();
                    probeHandler.onProbe(data, 0, length, source, viaRelay, viaRelay ? null : sidePorts.untieFor(source));
                    return;
                }
                long dcid = QuicPacketHeader.destinationConnectionId(header, 0, headerLength);
                if (dcid < 0) {
                    packet.release();
                    return;
                }
                int cidOffset = (int) dcid;
                int cidLength = (int) (dcid >>> 32);
                for (ClientRoute route : clients) {
                    ConnectionIdOwner owner = route.owner;
                    if (owner != null && owner.owns(header, cidOffset, cidLength)) {
                        byte[] data = new byte[length];
                        content.getBytes(content.readerIndex(), data);
                        packet.release();
                        route.socket.deliver(data, 0, length, source);
                        return;
                    }
                }
                PeerRoutes peerRoutes = routes;
                ChannelHandlerContext server = serverCodec;
                if (peerRoutes == null || server == null) {
                    packet.release();
                    return;
                }
                InetSocketAddress from = viaRelay ? source : peerRoutes.virtualFor(source);
                witness.observe(from, content);
                // the same buffer, addressed from the peer's virtual address to the socket's own (stable) address
                DatagramPacket mapped = new DatagramPacket(content, localAddress, from);
                if (dialled.contains(header, cidOffset, cidLength)) {
                    server.fireChannelRead(mapped);   // the next inbound handler after the server codec: the client codec
                } else {
                    ctx.fireChannelRead(mapped);      // the server codec
                }
            } catch (RuntimeException e) {
                LOG.warn("dropped a datagram from {} that could not be dispatched", source, e);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            PeerRoutes peerRoutes = routes;
            if (msg instanceof DatagramPacket packet && peerRoutes != null) {
                PeerPackets.route(ctx, packet, promise, peerRoutes, witness, sidePorts);
            } else {
                ctx.write(msg, promise);
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            ctx.flush();
            sidePorts.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!closed) {
                LOG.debug("engine socket: {}", cause.toString());
            }
        }
    }
}
