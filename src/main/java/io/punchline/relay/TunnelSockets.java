package io.punchline.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The UDP sockets of all of one relay's tunnels, read by one thread: non-blocking {@link DatagramChannel}s on one
 * {@link Selector} and one receive buffer (issue 14, lean sessions; each tunnel had a reader thread and a 64 KiB buffer
 * of its own). What a tunnel does with a packet ({@link Tunnel#fromUdp}) must not block: it sends QUIC DATAGRAM frames
 * (queued by kwik) and hands anything that may block, a DATAGRAM capsule on a request stream, to a {@link SerialLane}.
 *
 * <p>A socket gives the thread back after {@value #BATCH} packets, so a flooded port does not starve the others.
 */
final class TunnelSockets implements AutoCloseable {

    /** What reads a tunnel's socket hands over. */
    interface Tunnel {
        /** One UDP packet from {@code source}; {@code data} is reused once this returns. */
        void fromUdp(InetSocketAddress source, byte[] data, int offset, int length);

        /** A receive failed (not the socket itself); RFC 9298 section 3.3's ICMP case. */
        void socketFailed(String why);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSockets.class);
    private static final int RECEIVE_BUFFER = 65_535;
    static final int BATCH = 32;

    private final Selector selector;
    private final Queue<Runnable> registrations = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(RECEIVE_BUFFER);
    private final Thread reader;
    private volatile boolean closed;

    TunnelSockets(String name) throws IOException {
        this.selector = Selector.open();
        this.reader = new Thread(this::run, name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * A UDP socket for one tunnel on {@code address} (port 0: any), non-blocking, with SO_BROADCAST off: the relay
     * never sends a broadcast, whatever a target check might miss.
     */
    static DatagramChannel open(InetSocketAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_BROADCAST, false);
            channel.configureBlocking(false);
            channel.bind(address);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /** Starts reading {@code channel} for {@code tunnel}, until the channel is closed ({@link #release}). */
    void register(DatagramChannel channel, Tunnel tunnel) {
        registrations.add(() -> {
            try {
                channel.register(selector, SelectionKey.OP_READ, tunnel);
            } catch (ClosedChannelException e) {
                // the tunnel closed before its socket was read: nothing to do
            }
        });
        selector.wakeup();
    }

    /** Closes {@code channel}; its port is free once the reader has seen it go (at once: it is woken). */
    void release(DatagramChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a tunnel socket: {}", e.getMessage());
        }
        selector.wakeup();
    }

    private void run() {
        try (selector) {
            while (!closed) {
                selector.select();
                for (Runnable registration; (registration = registrations.poll()) != null; ) {
                    registration.run();
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    read(key);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.error("the relay's tunnel socket reader stopped: {}", e.toString());
            }
        }
    }

    private void read(SelectionKey key) {
        DatagramChannel channel = (DatagramChannel) key.channel();
        Tunnel tunnel = (Tunnel) key.attachment();
        try {
            for (int i = 0; i < BATCH && key.isValid(); i++) {
                buffer.clear();
                InetSocketAddress source = (InetSocketAddress) channel.receive(buffer);
                if (source == null) {
                    return;
                }
                tunnel.fromUdp(source, buffer.array(), 0, buffer.position());
            }
        } catch (ClosedChannelException | CancelledKeyException e) {
            key.cancel();
        } catch (IOException e) {
            tunnel.socketFailed("UDP receive failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("a tunnel failed on a packet from its socket", e);
        }
    }

    /**
     * Stops the reader, which closes the selector on its way out: closed from here, it would change the selected-key
     * set under the reader's iteration (a ConcurrentModificationException, seen on a relay's close).
     */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }
}
