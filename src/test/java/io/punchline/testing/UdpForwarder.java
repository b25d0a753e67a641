package io.punchline.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A UDP forwarder on loopback in front of a server: real datagrams, each held {@code delayMillis} in each direction (a
 * far server), and {@link #cut()} to drop everything from then on (a server whose host or path went away without a word).
 * Each client address gets an upstream socket of its own, so the server tells the clients apart.
 */
public final class UdpForwarder implements AutoCloseable {

    private final DatagramSocket front;
    private final InetSocketAddress target;
    private final long delayMillis;
    private final Map<InetSocketAddress, DatagramSocket> upstream = new ConcurrentHashMap<>();
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "forwarder-delay"));
    private volatile boolean cut;

    public UdpForwarder(InetSocketAddress target, long delayMillis) throws SocketException {
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.target = target;
        this.delayMillis = delayMillis;
        daemon(() -> pump(front, null), "forwarder-front").start();
    }

    /** Where clients send. */
    public InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** Drops every datagram, both ways, from now on. */
    public void cut() {
        cut = true;
    }

    private void pump(DatagramSocket from, InetSocketAddress client) {
        byte[] buffer = new byte[65_535];
        while (!from.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                from.receive(packet);
            } catch (IOException e) {
                return;
            }
            if (cut) {
                continue;
            }
            byte[] data = Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
            try {
                if (client == null) {
                    InetSocketAddress source = (InetSocketAddress) packet.getSocketAddress();
                    DatagramSocket out = upstream.computeIfAbsent(source, this::open);
                    later(out, new DatagramPacket(data, data.length, target));
                } else {
                    later(front, new DatagramPacket(data, data.length, client));
                }
            } catch (IllegalStateException e) {
                return; // closed
            }
        }
    }

    private DatagramSocket open(InetSocketAddress client) {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            daemon(() -> pump(socket, client), "forwarder-up").start();
            return socket;
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    private void later(DatagramSocket socket, DatagramPacket packet) {
        delays.schedule(() -> {
            try {
                if (!cut) {
                    socket.send(packet);
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        cut = true;
        front.close();
        upstream.values().forEach(DatagramSocket::close);
        delays.shutdownNow();
    }
}
