package io.punchline.relay;

import io.punchline.masque.Capsule;
import io.punchline.masque.CompressedPayload;
import io.punchline.masque.ContextLookup;
import io.punchline.masque.ContextRegistry;
import io.punchline.masque.DatagramCapsule;
import io.punchline.masque.MalformedCapsuleException;
import io.punchline.masque.ReplyBacklogExceededException;
import io.punchline.masque.RequestStreamWriter;
import io.punchline.masque.UncompressedPayload;
import io.punchline.quic.OrderedDatagrams;
import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicStream;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's side of one accepted CONNECT-UDP request: a UDP socket of its own, the request's context table, and
 * forwarding both ways (draft-ietf-masque-connect-udp-listen-13 sections 4 and 5, RFC 9298 section 5).
 *
 * <p>From the client: HTTP datagrams (QUIC DATAGRAM frames, or DATAGRAM capsules on the request stream) carry UDP
 * payloads to the target in the uncompressed header or implied by a compressed Context ID; Context ID 0 goes to the
 * URI target when one was given. To the client: packets arriving on the socket are sent with the compressed Context ID
 * registered for their source, else the uncompressed one, else dropped. A payload whose datagram would not fit one
 * QUIC DATAGRAM frame travels as a DATAGRAM capsule instead, never dropped for size.
 */
final class BindTunnel {

    private static final Logger LOG = LoggerFactory.getLogger(BindTunnel.class);
    private static final int RECEIVE_BUFFER = 65_535;

    private final boolean bind;
    private final RelayConnection connection;
    private final QuicStream stream;
    private final RequestStreamWriter writer;
    private final long quarterStreamId;
    private final DatagramSocket socket;
    private final InetSocketAddress publicAddress;
    private final InetSocketAddress uriTarget;
    private final ContextRegistry contexts;
    private final TokenBucket toTarget;
    private final TokenBucket toClient;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong lastActivityNanos = new AtomicLong(System.nanoTime());
    private final long openedNanos = System.nanoTime();
    private final Runnable onClosed;
    private volatile ScheduledFuture<?> idleCheck;

    /** When the tunnel was opened ({@link System#nanoTime()}): peer finding answers with a PeerId's newest bind. */
    long openedNanos() {
        return openedNanos;
    }

    BindTunnel(RelayConnection connection, QuicStream stream, RequestStreamWriter writer, DatagramSocket socket,
               InetSocketAddress publicAddress, InetSocketAddress uriTarget, boolean bind, Runnable onClosed) {
        RelayContext relay = connection.relay();
        this.connection = connection;
        this.stream = stream;
        this.writer = writer;
        this.quarterStreamId = stream.getStreamId() / 4;
        this.socket = socket;
        this.publicAddress = publicAddress;
        this.uriTarget = uriTarget;
        this.onClosed = onClosed;
        int maxContexts = relay.config().maxContextsPerSession();
        this.bind = bind;
        this.contexts = bind
                ? new ContextRegistry(ContextRegistry.Role.PROXY,
                        new ContextRegistry.Limits(maxContexts, maxContexts, 4 * maxContexts), uriTarget != null,
                        target -> allowedFamily(target) && (isRelayBind(target) || relay.targetPolicy().allows(target)))
                : null;
        this.toTarget = new TokenBucket(relay.config().bytesPerSecond());
        this.toClient = new TokenBucket(relay.config().bytesPerSecond());
    }

    InetSocketAddress publicAddress() {
        return publicAddress;
    }

    /**
     * A UDP socket for one request on {@code address} (port 0: any), with SO_BROADCAST off: Java turns it on for
     * every datagram socket, and the relay never sends a broadcast, whatever a target check might miss.
     */
    static DatagramSocket openSocket(InetSocketAddress address) throws SocketException {
        DatagramSocket socket = new DatagramSocket(address);
        try {
            socket.setBroadcast(false);
        } catch (SocketException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** Starts the socket reader and the idle timer. */
    void start() {
        Thread reader = new Thread(this::readSocket, "relay-bind-" + publicAddress.getPort());
        reader.setDaemon(true);
        reader.start();
        long checkEvery = Math.max(1, connection.relay().config().idleTimeout().toMillis() / 4);
        idleCheck = connection.relay().timer().scheduleAtFixedRate(this::checkIdle, checkEvery, checkEvery,
                TimeUnit.MILLISECONDS);
    }

    // ---- from the client ----

    /** One HTTP datagram payload from the client: {@code datagram[offset..]} starts at the Context ID. */
    void fromClient(byte[] datagram, int offset, boolean viaCapsule) {
        if (closed.get()) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(datagram, offset, datagram.length - offset);
        try {
            long contextId = QuicVarint.decode(buffer);
            if (contexts == null) {
                // plain RFC 9298 CONNECT-UDP: only Context ID 0 is defined
                if (contextId == 0) {
                    forward(uriTarget, datagram, buffer.position(), buffer.remaining());
                }
                return;
            }
            ContextLookup lookup = contexts.lookup(contextId);
            switch (lookup.kind()) {
                case URI_TARGET -> forward(uriTarget, datagram, buffer.position(), buffer.remaining());
                case ABORT_STREAM -> abort("HTTP datagram with Context ID 0 on a bind-any request");
                case UNCOMPRESSED -> {
                    InetSocketAddress target = IpAddressCodec.readVersioned(buffer);
                    if (target == null) {
                        abort("uncompressed datagram with IP Version 0");
                        return;
                    }
                    forward(target, datagram, buffer.position(), buffer.remaining());
                }
                case COMPRESSED -> forward(lookup.target(), datagram, buffer.position(), buffer.remaining());
                default -> {
                    // unknown ID: dropped (RFC 9298 section 4); closed ID: discarded (draft editor's copy)
                }
            }
        } catch (WireFormatException e) {
            // a malformed HTTP datagram payload is dropped; it says nothing about the request stream
            LOG.debug("dropped malformed datagram on {}: {}", publicAddress, e.getMessage());
        }
    }

    /** One capsule from the request stream. */
    void onCapsule(Capsule capsule) throws MalformedCapsuleException, ReplyBacklogExceededException, IOException {
        if (capsule instanceof DatagramCapsule datagramCapsule) {
            fromClient(datagramCapsule.payload(), 0, true);
            return;
        }
        if (contexts == null) {
            return; // registration capsules mean nothing without bind; unknown to plain CONNECT-UDP
        }
        List<Capsule> replies = contexts.receive(capsule);
        if (!replies.isEmpty()) {
            writeCapsules(replies);
            contexts.repliesWritten(replies.size());
        }
    }

    private void forward(InetSocketAddress target, byte[] data, int offset, int length) {
        touch();
        RelayCounters counters = connection.relay().counters();
        if (!toTarget.tryTake(length)) {
            counters.rateLimited.increment();
            return;
        }
        BindTunnel local = connection.relay().directory().tunnelAt(target);
        if (local != null) {
            local.fromUdp(publicAddress, data, offset, length);
            return;
        }
        if (!connection.relay().targetPolicy().allows(target)) {
            counters.targetsRefused.increment();
            return;
        }
        try {
            socket.send(new DatagramPacket(data, offset, length, target));
        } catch (IOException e) {
            // RFC 9298 section 3.3 asks to close the stream on a socket failure such as ICMP unreachable; a single
            // failed send to one of many peers of a bind socket says nothing about the others, so bind keeps going.
            if (contexts == null) {
                close("UDP send to " + target + " failed: " + e.getMessage());
            }
        }
    }

    // ---- to the client ----

    private void readSocket() {
        byte[] buffer = new byte[RECEIVE_BUFFER];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!closed.get()) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
                fromUdp((InetSocketAddress) packet.getSocketAddress(), buffer, 0, packet.getLength());
            } catch (SocketException e) {
                if (!closed.get()) {
                    close("UDP socket failed: " + e.getMessage());
                }
                return;
            } catch (IOException e) {
                if (contexts == null) {
                    close("UDP receive failed: " + e.getMessage());
                    return;
                }
            }
        }
    }

    /** A UDP packet for the client, from {@code source} (a real sender or another tunnel of this relay). */
    void fromUdp(InetSocketAddress source, byte[] data, int offset, int length) {
        if (closed.get()) {
            return;
        }
        byte[] datagram;
        if (contexts == null) {
            if (!source.equals(uriTarget)) {
                return; // RFC 9298 section 3.3: only the target's packets
            }
            datagram = CompressedPayload.toDatagram(quarterStreamId, 0, data, offset, length);
        } else {
            var contextId = contexts.contextFor(source);
            if (contextId.isEmpty()) {
                if (uriTarget != null && source.equals(uriTarget)) {
                    datagram = CompressedPayload.toDatagram(quarterStreamId, 0, data, offset, length);
                } else {
                    return; // no registration admits this sender (draft section 5)
                }
            } else {
                long id = contextId.getAsLong();
                ContextLookup lookup = contexts.lookup(id);
                datagram = lookup.kind() == ContextLookup.Kind.UNCOMPRESSED
                        ? UncompressedPayload.toDatagram(quarterStreamId, id, source, data, offset, length)
                        : CompressedPayload.toDatagram(quarterStreamId, id, data, offset, length);
            }
        }
        touch();
        if (!toClient.tryTake(length)) {
            connection.relay().counters().rateLimited.increment();
            return;
        }
        sendToClient(datagram);
    }

    private void sendToClient(byte[] datagram) {
        if (!connection.admitToSendQueue(datagram.length)) {
            return; // the client's send queue is at its cap: dropped, like any datagram (RFC 9221 section 5)
        }
        if (datagram.length <= connection.maxDatagramFrameData()) {
            try {
                OrderedDatagrams.send(connection.quic(), datagram);
                return;
            } catch (RuntimeException e) {
                // too large after all, or datagrams not negotiated: the capsule path below carries it
            }
        }
        int skip = QuicVarint.encodedLength(quarterStreamId);
        byte[] payload = new byte[datagram.length - skip];
        System.arraycopy(datagram, skip, payload, 0, payload.length);
        try {
            writeCapsules(List.of(new DatagramCapsule(payload)));
        } catch (IOException e) {
            close("request stream failed: " + e.getMessage());
        }
    }

    private void writeCapsules(List<Capsule> capsules) throws IOException {
        int total = 0;
        for (Capsule capsule : capsules) {
            total += capsule.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (Capsule capsule : capsules) {
            capsule.encode(out);
        }
        writer.writeData(out.array());
    }

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
        LOG.info("aborting request {} of {}: {}", stream.getStreamId(), connection.client(), why);
        stream.resetStream(RelayConnection.H3_MESSAGE_ERROR);
        stream.abortReading(RelayConnection.H3_MESSAGE_ERROR);
        release();
    }

    /** Ends the tunnel cleanly: the socket closes with the request stream (RFC 9298 section 3.3). */
    void close(String why) {
        if (closed.get()) {
            return;
        }
        LOG.debug("closing request {} of {}: {}", stream.getStreamId(), connection.client(), why);
        writer.close();
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
        socket.close();
        onClosed.run();
    }

    /** Whether this tunnel is a bind (connect-udp-bind), as opposed to plain CONNECT-UDP to one target. */
    boolean isBind() {
        return bind;
    }

    RelayConnection connection() {
        return connection;
    }

    boolean isClosed() {
        return closed.get();
    }

    private boolean isRelayBind(InetSocketAddress target) {
        return connection.relay().directory().tunnelAt(target) != null;
    }

    /** Draft section 4: a proxy that announced one address family rejects registrations of the other. */
    private boolean allowedFamily(InetSocketAddress target) {
        return target.getAddress().getClass() == publicAddress.getAddress().getClass();
    }
}
