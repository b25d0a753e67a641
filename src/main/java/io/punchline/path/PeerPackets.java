package io.punchline.path;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Where the QUIC codecs' packets to a peer's virtual address go: straight to its direct address, or through the relay
 * bind, one HTTP datagram per QUIC packet. A segmented write (UDP GSO, several packets of one size in one buffer) stays
 * one write on the direct path, where the kernel splits it, and is split here for the relay. A direct address tied to
 * a side port ({@link SidePorts}) is written from that port.
 */
final class PeerPackets {

    private PeerPackets() {
    }

    static void route(ChannelHandlerContext ctx, DatagramPacket packet, ChannelPromise promise,
                      EngineSocket.PeerRoutes routes, HandshakeWitness witness, SidePorts sidePorts) {
        InetSocketAddress target = packet.recipient();
        ByteBuf content = packet.content();
        int segment = packet instanceof SegmentedDatagramPacket segmented ? segmented.segmentSize() : 0;
        forEachPacket(content, segment, each -> witness.observe(target, each));
        InetSocketAddress direct = routes.directFor(target);
        if (direct != null) {
            routes.sentDirect(content.readableBytes());
            DatagramPacket out = direct.equals(target) ? packet : segment > 0
                    ? new SegmentedDatagramPacket(content, segment, direct) : new DatagramPacket(content, direct);
            Channel sidePort = sidePorts.portFor(direct);
            if (sidePort != null) {
                sidePorts.write(sidePort, out, promise); // the hard-NAT side's port toward this peer
            } else {
                ctx.write(out, promise);
            }
            return;
        }
        try {
            forEachPacket(content, segment, each -> routes.sendThroughRelay(target, each));
            promise.trySuccess();
        } finally {
            packet.release();
        }
    }

    /** The QUIC packets of a write: every {@code segment} bytes (the last one may be shorter), or all when 0. */
    private static void forEachPacket(ByteBuf content, int segment, Consumer<ByteBuf> each) {
        if (segment <= 0) {
            each.accept(content);
            return;
        }
        for (int at = content.readerIndex(); at < content.writerIndex(); at += segment) {
            each.accept(content.slice(at, Math.min(segment, content.writerIndex() - at)));
        }
    }
}
