package io.punchline.relay;

import io.punchline.masque.Capsule;
import io.punchline.masque.DatagramCapsule;
import io.punchline.masque.ReplyBacklogExceededException;
import io.punchline.masque.RequestStreamReader;
import io.punchline.masque.TunnelStream;
import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's side of one accepted CONNECT-UDP request (RFC 9298 section 5): a UDP socket of its own, forwarding both
 * ways, rate limits, the idle timeout, and the request stream's capsule loop. What a datagram from the client means,
 * and which packets go back to it, is up to the kind of request: {@link ConnectUdpTunnel} (plain CONNECT-UDP to the
 * URI target) or {@link BindTunnel} (connect-udp-bind, draft-ietf-masque-connect-udp-listen-13).
 *
 * <p>From the client: HTTP datagrams (QUIC DATAGRAM frames, or DATAGRAM capsules on the request stream). To the
 * client: a payload whose datagram would not fit one QUIC DATAGRAM frame travels as a DATAGRAM capsule instead, never
 * dropped for size ({@link TunnelStream#sendDatagram}).
 */
abstract sealed class UdpTunnel implements TunnelStream.Receiver, TunnelSockets.Tunnel
        permits BindTunnel, ConnectUdpTunnel {

    private static final Logger LOG = LoggerFactory.getLogger(UdpTunnel.class);
    /**
     * DATAGRAM capsules to the client that may wait for the request stream at once (a packet too large for a QUIC
     * DATAGRAM frame travels as one); more are dropped as a full send queue.
     */
    static final int CAPSULE_BACKLOG = 16;

    protected final RelayConnection connection;
    protected final TunnelStream stream;
    protected final InetSocketAddress publicAddress;
    private final List<InetSocketAddress> publicAddresses;
    protected final InetSocketAddress uriTarget;
    private final DatagramChannel socket;
    private final SerialLane capsules;
    private final TokenBucket toTarget;
    private final TokenBucket toClient;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong lastActivityNanos = new AtomicLong(System.nanoTime());
    private final long openedNanos = System.nanoTime();
    private final long openedMillis = System.currentTimeMillis();
    private final Runnable onClosed;
    private volatile ScheduledFuture<?> idleCheck;

    /**
     * @param publicAddresses the socket's public addresses, one per family the relay announces, the client's own
     *     family first
     * @param uriTarget the target named in the request's URI, or null for a bind to any target ({@code *})
     */
    UdpTunnel(RelayConnection connection, TunnelStream stream, DatagramChannel socket, List<InetSocketAddress> publicAddresses,
              InetSocketAddress uriTarget, Runnable onClosed) {
        RelayConfig config = connection.relay().config();
        this.connection = connection;
        this.stream = stream;
        this.socket = socket;
        this.publicAddresses = List.copyOf(publicAddresses);
        this.publicAddress = this.publicAddresses.get(0);
        this.uriTarget = uriTarget;
        this.onClosed = onClosed;
        this.toTarget = new TokenBucket(config.bytesPerSecond());
        this.toClient = new TokenBucket(config.bytesPerSecond());
        // on the relay's worker pool: a capsule write blocks while the client's request stream has no credit
        this.capsules = new SerialLane(connection.relay().streamExecutor(), CAPSULE_BACKLOG,
                connection.relay().counters().sendQueueFull::increment);
    }

    /** The first public address: of the family the client reached the relay over. */
    InetSocketAddress publicAddress() {
        return publicAddress;
    }

    /** Every public address of the socket, one per family the relay announces. */
    List<InetSocketAddress> publicAddresses() {
        return publicAddresses;
    }

    /** The public address of {@code target}'s family, the source a peer sees; the first one when none is. */
    InetSocketAddress publicAddressFor(InetSocketAddress target) {
        for (InetSocketAddress address : publicAddresses) {
            if (address.getAddress().getClass() == target.getAddress().getClass()) {
                return address;
            }
        }
        return publicAddress;
    }

    /** When the tunnel was opened ({@link System#nanoTime()}): peer finding answers with a PeerId's newest bind. */
    long openedNanos() {
        return openedNanos;
    }

    /** When the tunnel was opened, by the wall clock: the newest bind of a fleet's relays wins in its store. */
    long openedMillis() {
        return openedMillis;
    }

    RelayConnection connection() {
        return connection;
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Whether the tunnel closes after {@link RelayConfig#idleTimeout()} without traffic (RFC 9298 section 3.3). A bind
     * does not ({@link BindHeaders#BIND_KEPT}): it lives as long as its request stream and connection, whose QUIC idle
     * timeout ends it with a client that went away, and its client sends nothing through it to keep it.
     */
    abstract boolean closesWhenIdle();

    /** Starts reading the socket (on the relay's one socket reader) and, where it applies, the idle timer. */
    void start() {
        connection.relay().sockets().register(socket, this);
        if (!closesWhenIdle()) {
            return;
        }
        long checkEvery = Math.max(1, connection.relay().config().idleTimeout().toMillis() / 4);
        idleCheck = connection.relay().timer().scheduleAtFixedRate(this::checkIdle, checkEvery, checkEvery,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Reads the request's capsules until the stream ends or the tunnel closes: on the relay's worker pool whenever
     * something arrives, no thread held in between (issue 14, lean sessions); on the request's worker thread, for as
     * long as the tunnel lasts, if kwik's stream input cannot be watched.
     */
    void readCapsules(RequestStreamReader reader) {
        // the connection's end closes every tunnel from RelayConnection's listener
        if (!stream.watchCapsules(reader, RelayConnection.MAX_REQUEST_HEADERS, this::isClosed, this,
                connection.relay().streamExecutor())) {
            stream.readCapsules(reader, RelayConnection.MAX_REQUEST_HEADERS, this::isClosed, this);
        }
    }

    // ---- from the client ----

    /** One HTTP datagram payload from the client: {@code datagram[offset..]} starts at the Context ID. */
    final void fromClient(byte[] datagram, int offset) {
        if (closed.get()) {
            return;
        }
        try {
            fromClientPayload(datagram, offset);
        } catch (WireFormatException e) {
            // a malformed HTTP datagram payload is dropped; it says nothing about the request stream
            LOG.debug("dropped malformed datagram on {}: {}", publicAddress, e.getMessage());
        }
    }

    /** What the datagram's Context ID means for this kind of request; forwards the payload, drops it, or aborts. */
    abstract void fromClientPayload(byte[] datagram, int offset) throws WireFormatException;

    @Override
    public final void onCapsule(Capsule capsule) throws IOException, WireFormatException,
            ReplyBacklogExceededException {
        if (capsule instanceof DatagramCapsule datagramCapsule) {
            fromClient(datagramCapsule.payload(), 0);
        } else {
            onControlCapsule(capsule);
        }
    }

    /** A capsule other than DATAGRAM from the request stream. */
    abstract void onControlCapsule(Capsule capsule) throws IOException, WireFormatException,
            ReplyBacklogExceededException;

    @Override
    public void onEnd() {
        close("client ended the request");
    }

    @Override
    public void onMalformed(Exception cause) {
        // draft -13 section 4: malformed capsules are an error processing the Capsule Protocol: H3_MESSAGE_ERROR; and a
        // proxy that cannot send its replies MUST abort the request stream
        abort(cause.getMessage());
    }

    @Override
    public void onFailure(IOException e) {
        close("request stream failed: " + e.getMessage());
    }

    final void forward(InetSocketAddress target, byte[] data, int offset, int length) {
        touch();
        RelayCounters counters = connection.relay().counters();
        if (!toTarget.tryTake(length)) {
            counters.rateLimited.increment();
            return;
        }
        UdpTunnel local = connection.relay().directory().tunnelAt(target);
        if (local != null) {
            counters.forwardedToTarget(length);
            local.fromUdp(publicAddressFor(target), data, offset, length);
            return;
        }
        if (!connection.relay().targetPolicy().allows(target)) {
            counters.targetsRefused.increment();
            return;
        }
        try {
            // non-blocking: 0 when the socket's send buffer is full, and the packet is dropped as a router would
            if (socket.send(ByteBuffer.wrap(data, offset, length), target) > 0) {
                counters.forwardedToTarget(length);
            }
        } catch (IOException e) {
            socketFailed("UDP send to " + target + " failed: " + e.getMessage());
        }
    }

    /**
     * A send or receive on the socket failed (not the socket itself). RFC 9298 section 3.3 asks to close the stream on
     * such failures, ICMP unreachable for instance.
     */
    @Override
    public abstract void socketFailed(String why);

    // ---- to the client ----

    /** A UDP packet for the client, from {@code source} (a real sender or another tunnel of this relay). */
    @Override
    public final void fromUdp(InetSocketAddress source, byte[] data, int offset, int length) {
        if (closed.get()) {
            return;
        }
        byte[] datagram = toClientDatagram(source, data, offset, length);
        if (datagram == null) {
            return;
        }
        touch();
        if (!toClient.tryTake(length)) {
            connection.relay().counters().rateLimited.increment();
            return;
        }
        if (!connection.admitToSendQueue(datagram.length)) {
            return; // the client's send queue is at its cap: dropped, like any datagram (RFC 9221 section 5)
        }
        if (stream.trySendFrame(datagram)) {
            connection.relay().counters().forwardedToClient(length);
            return;
        }
        capsules.execute(() -> {
            try {
                stream.sendCapsule(datagram);
                connection.relay().counters().forwardedToClient(length);
            } catch (IOException e) {
                close("request stream failed: " + e.getMessage());
            }
        });
    }

    /** The HTTP datagram that carries a packet from {@code source} to the client, or null when none may. */
    abstract byte[] toClientDatagram(InetSocketAddress source, byte[] data, int offset, int length);

    // ---- lifetime ----

    private void touch() {
        lastActivityNanos.set(System.nanoTime());
    }

    private void checkIdle() {
        long idle = System.nanoTime() - lastActivityNanos.get();
        if (idle >= connection.relay().config().idleTimeout().toNanos()) {
            close("idle for " + TimeUnit.NANOSECONDS.toSeconds(idle) + " s");
        }
    }

    /** Aborts the request stream with H3_MESSAGE_ERROR: the client sent something the draft calls malformed. */
    void abort(String why) {
        if (closed.get()) {
            return;
        }
        LOG.info("aborting request {} of {}: {}", stream.streamId(), connection.client(), why);
        // closed before the client can see the reset: a datagram it sends once it has seen it is never forwarded
        release();
        stream.abort();
    }

    /** Ends the tunnel cleanly: the socket closes with the request stream (RFC 9298 section 3.3). */
    void close(String why) {
        if (closed.get()) {
            return;
        }
        LOG.debug("closing request {} of {}: {}", stream.streamId(), connection.client(), why);
        stream.finish();
        release();
    }

    private void release() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> check = idleCheck;
        if (check != null) {
            check.cancel(false);
        }
        capsules.shutdown();
        connection.relay().sockets().release(socket);
        onClosed.run();
    }
}
