package io.punchline.natlab;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.SegmentedDatagramPacket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Sends datagrams as the engine does on Linux, several to one address in one segmented write (UDP GSO, the kernel's
 * {@code UDP_SEGMENT}, through Netty's epoll transport), so that a lab link sees GSO frames: started inside a lab
 * namespace with the test class path, {@code GsoBlaster IP PORT COUNT SIZE SEGMENTS} sends COUNT datagrams of SIZE
 * bytes, SEGMENTS per write, and prints {@code sent N} (or {@code unsupported} where the socket cannot segment).
 * Datagram i carries i in its first four bytes and {@code (byte) (i + k)} at every later offset k, for the receiver
 * to check.
 */
public final class GsoBlaster {

    private GsoBlaster() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        int segments = Integer.parseInt(args[4]);
        if (!EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
            System.out.println("unsupported");
            return;
        }
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel channel = new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).bind(0).sync().channel();
            int sent = 0;
            ChannelFuture last = null;
            while (sent < count) {
                int n = Math.min(segments, count - sent);
                ByteBuf buf = channel.alloc().directBuffer(n * size);
                for (int i = sent; i < sent + n; i++) {
                    buf.writeInt(i);
                    for (int k = 4; k < size; k++) {
                        buf.writeByte(i + k);
                    }
                }
                last = channel.writeAndFlush(new SegmentedDatagramPacket(buf, size, to));
                sent += n;
                if (sent % (64 * segments) == 0) {
                    last.sync(); // a bounded backlog in the channel
                }
            }
            if (last != null) {
                last.sync();
            }
            channel.close().sync();
            System.out.println("sent " + sent);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
