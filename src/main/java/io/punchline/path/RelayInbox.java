package io.punchline.path;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Datagrams that reached the engine through its relay bind (on the relay connection's threads), queued and handed to
 * the engine socket's demultiplexer on its event-loop thread, a batch at a time, as if read from the socket.
 */
final class RelayInbox {

    private final Channel channel;
    private final InetSocketAddress localAddress;
    /** The demultiplexer: false when the socket is closing and the datagram was not taken. */
    private final Predicate<DatagramPacket> dispatch;
    private final Runnable batchEnd;
    private final Queue<DatagramPacket> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    RelayInbox(Channel channel, InetSocketAddress localAddress, Predicate<DatagramPacket> dispatch, Runnable batchEnd) {
        this.channel = channel;
        this.localAddress = localAddress;
        this.dispatch = dispatch;
        this.batchEnd = batchEnd;
    }

    /** Queues a copy of the datagram from {@code source} (a peer's bind address) and schedules a drain. */
    void add(InetSocketAddress source, byte[] data, int offset, int length) {
        ByteBuf copy = channel.alloc().directBuffer(length).writeBytes(data, offset, length);
        queue.add(new DatagramPacket(copy, localAddress, source));
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        boolean any = false;
        for (DatagramPacket packet; (packet = queue.poll()) != null; ) {
            if (dispatch.test(packet)) {
                any = true;
            } else {
                packet.release();
            }
        }
        if (any) {
            batchEnd.run();
        }
    }

    /** Releases what is still queued. */
    void clear() {
        for (DatagramPacket packet; (packet = queue.poll()) != null; ) {
            packet.release();
        }
    }
}
