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
    /**
     * Addresses whose latest challenge or answer came in on the engine socket itself: the path the peer validates is
     * the engine socket's own mapping, so a spray probe that arrives later on a side port must not tie them there.
     */
    private final Set<InetSocketAddress> onEngineSocket = ConcurrentHashMap.newKeySet();
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
     * Opens a socket per element of {@code targets} on the wildcard address of the first one's family, then sends
     * {@code opener} from socket {@code i} to {@code targets.get(i)} in index order, all in one task on the event loop,
     * so a NAT that allocates in sequence maps them in that order. Waits for the binds: never call it on the event
     * loop. Keeps what it could open when the system refuses more sockets (the first ones, in order).
     */
    PortSet open(List<InetSocketAddress> targets, byte[] opener) {
        if (targets.isEmpty()) {
            return new Ports(List.of(), List.of());
        }
        InetSocketAddress first = targets.get(0);
        InetSocketAddress wildcard = new InetSocketAddress(IpAddressCodec.toInetAddress(
                new byte[IpAddressCodec.ipVersion(first) == IpAddressCodec.IP_VERSION_6 ? 16 : 4]), 0);
        // every bind at once: the event loop registers and binds them in one go
        List<ChannelFuture> binds = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            try {
                binds.add(template.clone().handler(new PortReader()).bind(wildcard));
            } catch (RuntimeException e) { // the system refused a socket
                LOG.info("opening side port {} of {} toward {} failed: {}", i + 1, targets.size(), first, e.toString());
                break;
            }
        }
        List<Channel> channels = new ArrayList<>(binds.size());
        String failure = null;
        for (ChannelFuture bind : binds) {
            if (failure == null && bind.awaitUninterruptibly(BIND_TIMEOUT_MILLIS) && bind.isSuccess()) {
                channels.add(bind.channel());
            } else { // after a failed one, none: the ports kept are the first ones, each with its own target
                failure = failure != null ? failure : String.valueOf(bind.cause());
                bind.channel().close();
            }
        }
        if (failure != null) {
            LOG.info("opened {} of {} side ports toward {}: {}", channels.size(), targets.size(), first, failure);
        }
        Ports ports = new Ports(channels, targets.subList(0, channels.size()));
        ports.resend(opener);
        return ports;
    }

    /**
     * The tie offered with a probe from {@code source} on the engine socket itself: the peer's challenge or answer
     * ({@code replace}) means the peer validates the engine socket's own mapping, so the address is reached from the
     * engine socket again and a spray probe arriving later on a side port does not tie it there (a gate of 2026-12-04:
     * the easy side validated the hard side's ordinary mapping while a late spray probe tied its address to a side port;
     * the hard side then sent everything from that port, unknown to the easy side, and the session timed out).
     */
    EngineSocket.Tie untieFor(InetSocketAddress source) {
        return replace -> {
            if (replace) {
                onEngineSocket.add(source);
                tied.remove(source);
            }
        };
    }

    /** The tie offered with a probe from {@code source} on side port {@code port}. */
    EngineSocket.Tie tieFor(InetSocketAddress source, Channel port) {
        return replace -> {
            if (replace) {
                onEngineSocket.remove(source);
                tied.put(source, port);
            } else if (!onEngineSocket.contains(source)) {
                tied.putIfAbsent(source, port);
            }
        };
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

    /** The ports one {@link #open} call opened, for one peer session, each with its target. */
    final class Ports implements PortSet {
        private final List<Channel> channels;
        private final List<InetSocketAddress> targets;

        Ports(List<Channel> channels, List<InetSocketAddress> targets) {
            this.channels = List.copyOf(channels);
            this.targets = List.copyOf(targets);
        }

        @Override
        public void resend(byte[] data) {
            if (channels.isEmpty()) {
                return;
            }
            // one task on the event loop: the datagrams leave in index order
            channels.get(0).eventLoop().execute(() -> {
                for (int i = 0; i < channels.size(); i++) {
                    Channel port = channels.get(i);
                    if (port.isActive()) {
                        port.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(data), targets.get(i)),
                                port.voidPromise());
                    }
                }
            });
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
                probes.probe(data, source, tieFor(source, ctx.channel()));
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
