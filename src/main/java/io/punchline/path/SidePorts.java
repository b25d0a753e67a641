package io.punchline.path;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.punchline.wire.IpAddressCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The extra sockets a side behind a port-dependent ("symmetric") NAT opens beside the engine socket to punch toward one
 * peer (docs/ARCHITECTURE.md, "Hard NATs"), and which remote address each one carries. All of them run on the engine
 * socket's one event-loop thread and feed the same demultiplexer, so the QUIC codecs never see them: a peer address
 * is <em>tied</em> to the side port its authenticated probe arrived on, and from then on everything this engine sends
 * to that address (probes, and the session's QUIC packets once the path is in use) leaves from that port, the one
 * its NAT mapping toward the peer belongs to. Packets from an address not tied to the port they arrive on are dropped
 * unless they are probes (which the traversal authenticates before tying).
 */
final class SidePorts {

    /** A non-QUIC datagram; {@code tie} ties {@code source} to the port it came in on, once authenticated. */
    interface ProbeSink {
        void probe(byte[] data, InetSocketAddress source, EngineSocket.Tie tie);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SidePorts.class);
    private static final long BIND_TIMEOUT_MILLIS = 2000;

    private final Bootstrap template;
    private final ProbeSink probes;
    /** QUIC packets from an address tied to the port they came in on. */
    private final Consumer<DatagramPacket> quic;
    private final Runnable readComplete;
    private final Map<InetSocketAddress, Channel> tied = new ConcurrentHashMap<>();
    /** Side ports written to since the last flush; event-loop thread only. */
    private final Set<Channel> unflushed = new HashSet<>();

    /** What side ports receive goes to the engine socket's demultiplexer, on its event-loop thread. */
    SidePorts(Bootstrap template, ProbeSink probes, Consumer<DatagramPacket> quic, Runnable readComplete) {
        this.template = template;
        this.probes = probes;
        this.quic = quic;
        this.readComplete = readComplete;
    }

    /**
     * Opens {@code count} sockets on the wildcard address of {@code toward}'s family and sends {@code opener} from
     * each to {@code toward}. Waits for the binds: never call it on the event loop. Keeps what it could open when the
     * system refuses more sockets.
     */
    PortSet open(int count, InetSocketAddress toward, byte[] opener) {
        InetSocketAddress wildcard = new InetSocketAddress(IpAddressCodec.toInetAddress(
                new byte[IpAddressCodec.ipVersion(toward) == IpAddressCodec.IP_VERSION_6 ? 16 : 4]), 0);
        // every bind at once: the event loop registers and binds them in one go, and each sends its opener when bound
        List<ChannelFuture> binds = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            try {
                ChannelFuture bind = template.clone().handler(new PortReader()).bind(wildcard);
                bind.addListener((ChannelFuture bound) -> {
                    if (bound.isSuccess()) {
                        bound.channel().writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(opener), toward),
                                bound.channel().voidPromise());
                    }
                });
                binds.add(bind);
            } catch (RuntimeException e) { // the system refused a socket
                LOG.info("opening side port {} of {} toward {} failed: {}", i + 1, count, toward, e.toString());
                break;
            }
        }
        List<Channel> channels = new ArrayList<>(binds.size());
        String failure = null;
        for (ChannelFuture bind : binds) {
            if (bind.awaitUninterruptibly(BIND_TIMEOUT_MILLIS) && bind.isSuccess()) {
                channels.add(bind.channel());
            } else {
                failure = String.valueOf(bind.cause());
                bind.channel().close();
            }
        }
        if (failure != null) {
            LOG.info("opened {} of {} side ports toward {}: {}", channels.size(), count, toward, failure);
        }
        return new Ports(channels);
    }

    /** The side port tied to {@code remote}, or null: it is reached from the engine socket. */
    Channel portFor(InetSocketAddress remote) {
        return tied.isEmpty() ? null : tied.get(remote);
    }

    /** Writes a peer packet on a side port; {@link #flush} sends it. On the event loop. */
    void write(Channel port, DatagramPacket packet, ChannelPromise promise) {
        port.write(packet, port.voidPromise());
        promise.trySuccess();
        unflushed.add(port);
    }

    /** Flushes the side ports written to since the last flush. On the event loop. */
    void flush() {
        if (!unflushed.isEmpty()) {
            unflushed.forEach(Channel::flush);
            unflushed.clear();
        }
    }

    /** Sends a copy of {@code data} to {@code to} from its tied side port; false when it has none. */
    boolean send(byte[] data, int offset, int length, InetSocketAddress to) {
        Channel port = portFor(to);
        if (port == null) {
            return false;
        }
        ByteBuf copy = Unpooled.copiedBuffer(data, offset, length);
        port.writeAndFlush(new DatagramPacket(copy, to), port.voidPromise());
        return true;
    }

    /** The ports one {@link #open} call opened, for one peer session. */
    final class Ports implements PortSet {
        private final List<Channel> channels;

        Ports(List<Channel> channels) {
            this.channels = List.copyOf(channels);
        }

        @Override
        public int size() {
            return channels.size();
        }

        @Override
        public void closeUnused() {
            closeAll(channels.stream().filter(channel -> !tied.containsValue(channel)).toList());
        }

        @Override
        public void close() {
            tied.values().removeIf(channels::contains);
            closeAll(channels);
        }

        /**
         * Closes them all at once and returns when they are closed: on the event loop (a path validated by a probe)
         * a close is done when it returns; elsewhere this waits for the loop to do them.
         */
        private void closeAll(List<Channel> closing) {
            List<ChannelFuture> closed = closing.stream().map(Channel::close).toList();
            if (!closing.isEmpty() && !closing.get(0).eventLoop().inEventLoop()) {
                closed.forEach(future -> future.awaitUninterruptibly(BIND_TIMEOUT_MILLIS));
            }
        }
    }

    /** Reads one side port into the demultiplexer. */
    private final class PortReader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ByteBuf content = packet.content();
            InetSocketAddress source = packet.sender();
            if (content.isReadable() && !QuicPacketHeader.isQuic(content.getByte(content.readerIndex()))) {
                byte[] data = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), data);
                packet.release();
                Channel port = ctx.channel();
                probes.probe(data, source, replace -> {
                    if (replace) {
                        tied.put(source, port);
                    } else {
                        tied.putIfAbsent(source, port);
                    }
                });
            } else if (tied.get(source) == ctx.channel()) {
                quic.accept(packet);
            } else {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readComplete.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("side port {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
