package io.punchline.path;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code DatagramSocket} a kwik connection or server connector is given: what it sends goes to an
 * {@link Outbound} (the engine's one UDP socket, or the relay), what it receives was put here by the
 * {@link EngineSocket}'s demultiplexer. kwik calls only {@code send}, {@code receive}, {@code close} and the local
 * address getters on its socket (docs/ARCHITECTURE.md, "kwik 0.10.8's known limits").
 *
 * <p>Received datagrams wait in a bounded queue; when kwik falls behind, the newest are dropped, as a kernel socket
 * buffer would.
 */
public final class VirtualDatagramSocket extends DatagramSocket {

    /** Where sent datagrams go. */
    public interface Outbound {
        void send(byte[] data, int offset, int length, InetSocketAddress to) throws IOException;
    }

    private record Inbound(byte[] data, InetSocketAddress source) {
    }

    static final int QUEUE = 4096;

    private final Outbound outbound;
    private final InetSocketAddress localAddress;
    private final Runnable onClose;
    private final BlockingQueue<Inbound> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean closed;
    private volatile Thread receiver;

    VirtualDatagramSocket(InetSocketAddress localAddress, Outbound outbound, Runnable onClose) throws SocketException {
        super((SocketAddress) null);
        this.localAddress = localAddress;
        this.outbound = outbound;
        this.onClose = onClose;
    }

    /** Queues a copy of {@code data[offset, offset+length)} as received from {@code source}. */
    void deliver(byte[] data, int offset, int length, InetSocketAddress source) {
        if (closed) {
            return;
        }
        byte[] copy = new byte[length];
        System.arraycopy(data, offset, copy, 0, length);
        if (!queue.offer(new Inbound(copy, source))) {
            dropped.incrementAndGet();
        } else {
            delivered.incrementAndGet();
        }
    }

    public long droppedDatagrams() {
        return dropped.get();
    }

    public long deliveredDatagrams() {
        return delivered.get();
    }

    @Override
    public void send(DatagramPacket packet) throws IOException {
        if (closed) {
            throw new SocketException("socket closed");
        }
        try {
            outbound.send(packet.getData(), packet.getOffset(), packet.getLength(), (InetSocketAddress) packet.getSocketAddress());
        } catch (IOException e) {
            // a datagram the kernel would not take (ENOBUFS under a burst) is a lost datagram, which QUIC recovers
            // from; thrown into kwik's sender thread it would abort the connection
            dropped.incrementAndGet();
        }
    }

    @Override
    public void receive(DatagramPacket packet) throws IOException {
        if (closed) {
            throw new SocketException("socket closed");
        }
        receiver = Thread.currentThread();
        Inbound inbound;
        try {
            inbound = queue.take();
        } catch (InterruptedException e) {
            throw closed ? new SocketException("socket closed") : new InterruptedIOException("receive interrupted");
        } finally {
            receiver = null;
        }
        if (inbound.data() == null) {
            throw new SocketException("socket closed");
        }
        int length = Math.min(inbound.data().length, packet.getData().length - packet.getOffset());
        System.arraycopy(inbound.data(), 0, packet.getData(), packet.getOffset(), length);
        packet.setLength(length);
        packet.setSocketAddress(inbound.source());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (dropped.get() > 0) {
            LoggerFactory.getLogger(VirtualDatagramSocket.class)
                    .debug("socket {} dropped {} datagrams while kwik fell behind", localAddress, dropped.get());
        }
        queue.clear();
        queue.offer(new Inbound(null, null)); // wakes a blocked receive
        super.close();
        onClose.run();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public int getLocalPort() {
        return localAddress.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return localAddress.getAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return localAddress;
    }

    @Override
    public int getReceiveBufferSize() {
        return QUEUE * 1500;
    }

    @Override
    public boolean isBound() {
        return true;
    }
}
