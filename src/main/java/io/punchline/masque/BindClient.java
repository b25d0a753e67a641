package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.DatagramSocketFactory;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.Statistics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's client of a relay: one HTTP/3 connection, one CONNECT-UDP Bind request
 * (draft-ietf-masque-connect-udp-listen-13 section 3), and UDP payloads both ways through it.
 *
 * <p>After the 200 response it registers the uncompressed context (the client's first even ID, 2), so any peer can
 * reach it at its {@link #publicAddresses() public address}; {@link #registerCompressed} saves the address header
 * for a busy peer. A payload whose HTTP datagram would not fit one QUIC DATAGRAM frame goes as a DATAGRAM capsule on
 * the request stream (RFC 9297 section 3.5) instead of being dropped.
 */
public final class BindClient implements AutoCloseable, TunnelStream.Receiver {

    /** Receives UDP payloads that reached the bind, and the end of the tunnel. */
    public interface Listener {
        /** {@code data[offset, offset+length)} arrived from {@code source}; valid only during the call. */
        void onPayload(InetSocketAddress source, byte[] data, int offset, int length);

        /** The tunnel ended (relay closed the request, connection lost, or {@link #close()}). */
        default void onClosed(String reason) {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BindClient.class);
    private static final int MAX_RESPONSE_HEADERS = RelayHttp3Connection.MAX_RESPONSE_HEADERS;

    private final RelayAddress relay;
    private final QuicClientConnection quic;
    private final ExecutorService executor;
    private final RelayConnectionEnd connectionEnd;
    private final TunnelStream stream;
    private final long quarterStreamId;
    private final BindInbound inbound;
    private final List<InetSocketAddress> publicAddresses;
    private final InetSocketAddress observedAddress;
    private final ContextRegistry contexts = new ContextRegistry(ContextRegistry.Role.CLIENT);
    private final Listener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int maxFrameDatagram;
    private final RelayRequests relayRequests;
    private volatile long uncompressedId = -1;
    private final Object ackMonitor = new Object();
    private final AtomicLong capsulesSent = new AtomicLong();
    private final ExecutorService datagramExecutor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "bind-datagrams");
        thread.setDaemon(true);
        return thread;
    });
    private final BusyTargets busyTargets = new BusyTargets(BUSY_PEER_PAYLOADS);

    /** Null on a relay that keeps the bind without traffic ({@link BindHeaders#BIND_KEPT}). */
    private volatile TunnelKeepalive keepalive;
    /** Whether the relay keeps this bind without traffic ({@link BindHeaders#BIND_KEPT}). */
    private final boolean kept;

    private volatile boolean autoCompression = true;

    /** Whether busy targets get compressed contexts by themselves (on by default; off to measure the plain form). */
    public void setAutoCompression(boolean enabled) {
        this.autoCompression = enabled;
    }

    /** Payloads to one target after which it gets a compressed context of its own. */
    public static final int BUSY_PEER_PAYLOADS = 16;

    BindClient(RelayAddress relay, RelayConnector.Connected connected, RelayHttp3Connection.Exchange exchange,
               List<InetSocketAddress> publicAddresses, InetSocketAddress observedAddress, boolean kept,
               Listener listener) {
        this.relay = relay;
        this.relayRequests = RelayRequests.over(relay, connected.http3());
        this.quic = connected.quic();
        this.executor = connected.executor();
        this.connectionEnd = connected.end();
        this.maxFrameDatagram = DatagramSizes.maxFrameData(quic);
        this.stream = new TunnelStream(quic, exchange.stream(), exchange.writer(), () -> maxFrameDatagram);
        this.quarterStreamId = stream.quarterStreamId();
        this.publicAddresses = List.copyOf(publicAddresses);
        this.observedAddress = observedAddress;
        this.kept = kept;
        this.listener = listener;
        this.inbound = new BindInbound(quarterStreamId, contexts, this.publicAddresses, listener, this::abort);
    }

    /**
     * Connects to {@code relay} as an anonymous, standard MASQUE client: no relay authentication. Only relays started
     * with {@code --allow-anonymous} accept such a bind; others answer 401 and this throws.
     *
     * @see #connect(RelayAddress, Identity, DatagramSocketFactory, Listener, Duration)
     */
    public static BindClient connect(RelayAddress relay, DatagramSocketFactory socketFactory, Listener listener,
                                     Duration timeout) throws BindException {
        return connect(relay, null, socketFactory, listener, timeout);
    }

    /**
     * Connects to {@code relay} (pinning its certificate), authenticates as {@code identity} (docs/SECURITY.md
     * section 6: the relay must prove the PeerId pinned in {@code relay}), requests a bind and registers the
     * uncompressed context.
     *
     * @param identity      the client's identity to prove to the relay; null for an anonymous bind
     * @param socketFactory where kwik gets its UDP socket; null for an ordinary socket of its own
     * @throws BindException with a message for the user when the relay cannot be reached, is not the pinned one,
     *                       refuses the authentication or the bind
     */
    public static BindClient connect(RelayAddress relay, Identity identity, DatagramSocketFactory socketFactory,
                                     Listener listener, Duration timeout) throws BindException {
        return BindAttempt.connect(relay, identity, socketFactory, listener, timeout);
    }

    void start(RequestStreamReader reader, Duration timeout) throws IOException, BindException {
        // one thread, so payloads reach the listener in the order they arrived (tunnelled QUIC counts reordering as loss)
        quic.setDatagramHandler(inbound::onDatagram, datagramExecutor);
        if (!kept) {
            keepalive = TunnelKeepalive.start(this::keepTunnelAlive);
        }
        if (stream.watchCapsules(reader, MAX_RESPONSE_HEADERS, closed::get, this, executor)) {
            // no thread waits on the request stream, so none sees the connection end there: its listener tells
            connectionEnd.whenEnded(() -> close("request stream failed: connection " + connectionEnd.relayReason()));
        } else {
            executor.execute(() -> readCapsules(reader));
        }
        Registration registration = contexts.registerUncompressed();
        if (!registration.isRegistered()) {
            throw new BindException("cannot register the uncompressed context: " + registration.refusal());
        }
        uncompressedId = registration.contextId();
        writeCapsule(registration.assign());
        // Until the relay has stored the registration it drops what peers send us (draft section 4.2): the bind is
        // ready only once the ACK is back.
        synchronized (ackMonitor) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!contexts.isAcknowledged(uncompressedId) && !closed.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    close("no COMPRESSION_ACK");
                    throw new BindException("relay " + relay.authority() + " did not acknowledge the uncompressed context");
                }
                try {
                    ackMonitor.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BindException("interrupted while waiting for the relay");
                }
            }
        }
        if (closed.get()) {
            throw new BindException("relay " + relay.authority() + " closed the bind request");
        }
    }

    /** The relay's public addresses for this bind, as announced in {@code proxy-public-address}. */
    public List<InetSocketAddress> publicAddresses() {
        return publicAddresses;
    }

    /**
     * Where the relay's QUIC listener saw this client ({@code punchline-observed-address}), or null when the relay did
     * not say (relays other than Punchline's).
     */
    public InetSocketAddress observedAddress() {
        return observedAddress;
    }

    /**
     * Whether the relay keeps this bind however long it stays idle ({@code punchline-bind-kept}, Punchline's relays);
     * otherwise this client sends itself a byte through it every {@link TunnelKeepalive#INTERVAL} while it is idle.
     */
    public boolean relayKeepsBind() {
        return kept;
    }

    /** Whether this client's keepalive datagrams are scheduled (only for a relay that does not keep idle binds). */
    boolean sendsKeepalives() {
        return keepalive != null;
    }

    /**
     * Plain requests on this bind's connection to the relay (authenticated as the bind is): the pairing mailbox and
     * peer finding use them.
     */
    public RelayRequests relayRequests() {
        return relayRequests;
    }

    public RelayAddress relay() {
        return relay;
    }

    /** Sends {@code data[offset, offset+length)} to {@code target} from the bind's public address. */
    public void send(InetSocketAddress target, byte[] data, int offset, int length) throws IOException {
        if (closed.get()) {
            throw new IOException("bind to relay " + relay.authority() + " is closed");
        }
        OptionalLong contextId = contexts.contextFor(target);
        if (contextId.isEmpty()) {
            throw new IOException("no context open for " + target);
        }
        long id = contextId.getAsLong();
        if (id != uncompressedId && uncompressedId > 0 && !contexts.isAcknowledged(id)) {
            // The draft allows optimistic use before the COMPRESSION_ACK, but the ASSIGN travels on the request stream
            // and datagrams overtake it: the relay would drop them as unknown. The uncompressed context carries them
            // until the relay has the registration.
            id = uncompressedId;
        }
        TunnelKeepalive busy = keepalive;
        if (busy != null) {
            busy.sent();
        }
        if (id == uncompressedId) {
            noteUncompressedSend(target);
        }
        byte[] datagram = id == uncompressedId
                ? UncompressedPayload.toDatagram(quarterStreamId, id, target, data, offset, length)
                : CompressedPayload.toDatagram(quarterStreamId, id, data, offset, length);
        if (stream.sendDatagram(datagram)) {
            capsulesSent.incrementAndGet();
        }
    }

    /** Payloads that went as DATAGRAM capsules because they did not fit a QUIC DATAGRAM frame. */
    public long capsulesSent() {
        return capsulesSent.get();
    }

    /** A target that gets {@link #BUSY_PEER_PAYLOADS} payloads on the uncompressed context gets a compressed one. */
    private void noteUncompressedSend(InetSocketAddress target) {
        if (autoCompression && busyTargets.countSend(target)) {
            try {
                registerCompressed(target);
            } catch (IOException e) {
                LOG.debug("could not register a compressed context for {}: {}", target, e.getMessage());
            }
        }
    }

    /**
     * Registers a compressed context for {@code peer}, so payloads to and from it carry no address header. Datagrams
     * use it at once (optimistic use, draft section 4.2). Returns false when the tuple is already registered or the
     * registry refuses it.
     */
    public boolean registerCompressed(InetSocketAddress peer) throws IOException {
        Registration registration = contexts.registerCompressed(peer);
        if (!registration.isRegistered()) {
            LOG.debug("compressed context for {} not registered: {}", peer, registration.refusal());
            return false;
        }
        writeCapsule(registration.assign());
        return true;
    }

    /** Closes the compressed context of {@code peer}; its traffic continues on the uncompressed context. */
    public void closeCompressed(InetSocketAddress peer) throws IOException {
        OptionalLong id = contexts.contextFor(peer);
        if (id.isPresent() && id.getAsLong() != uncompressedId) {
            contexts.close(id.getAsLong()).ifPresent(this::writeQuietly);
        }
    }

    /** Whether the relay acknowledged the compressed context for {@code peer}. */
    public boolean isCompressedAcknowledged(InetSocketAddress peer) {
        OptionalLong id = contexts.contextFor(peer);
        return id.isPresent() && id.getAsLong() != uncompressedId && contexts.isAcknowledged(id.getAsLong());
    }

    /** kwik's counters for the relay connection: RTT, packets sent and lost. */
    public Statistics statistics() {
        return quic.getStats();
    }

    public int openContexts() {
        return contexts.openContexts();
    }

    /** Largest HTTP datagram that travels in one QUIC DATAGRAM frame on this connection. */
    public int maxFrameDatagram() {
        return maxFrameDatagram;
    }

    private void keepTunnelAlive() {
        if (closed.get()) {
            return;
        }
        try {
            send(publicAddresses.get(0), new byte[]{0}, 0, 1);
        } catch (IOException e) {
            LOG.debug("bind keepalive failed: {}", e.getMessage());
        }
    }

    private void writeQuietly(Capsule capsule) {
        try {
            writeCapsule(capsule);
        } catch (IOException e) {
            close("request stream failed: " + e.getMessage());
        }
    }

    private void writeCapsule(Capsule capsule) throws IOException {
        stream.writeCapsules(List.of(capsule));
    }

    private void readCapsules(RequestStreamReader reader) {
        stream.readCapsules(reader, MAX_RESPONSE_HEADERS, closed::get, this);
        close("relay ended the bind"); // no-op when the loop ended by close()
    }

    @Override
    public void onEnd() {
        close("relay ended the bind");
    }

    @Override
    public void onMalformed(Exception cause) {
        boolean frame = cause instanceof WireFormatException && !(cause instanceof MalformedCapsuleException);
        abort("relay sent a malformed " + (frame ? "frame: " : "capsule: ") + cause.getMessage());
    }

    @Override
    public void onFailure(IOException e) {
        close(closed.get() ? "closed" : "request stream failed: " + e.getMessage());
    }

    @Override
    public void onCapsule(Capsule capsule) throws IOException, WireFormatException, ReplyBacklogExceededException {
        if (capsule instanceof DatagramCapsule datagramCapsule) {
            inbound.onDatagramCapsule(datagramCapsule.payload());
            return;
        }
        List<Capsule> replies = contexts.receive(capsule);
        for (Capsule reply : replies) {
            writeCapsule(reply);
        }
        contexts.repliesWritten(replies.size());
        if (capsule instanceof CompressionAck || capsule instanceof CompressionClose) {
            synchronized (ackMonitor) {
                ackMonitor.notifyAll();
            }
        }
    }

    private void abort(String why) {
        LOG.warn("bind to {}: {}", relay.authority(), why);
        stream.abort();
        close(why);
    }

    /** Ends the tunnel and the relay connection; the listener's {@link Listener#onClosed} gets {@code reason}. */
    public void close(String reason) {
        if (closed.compareAndSet(false, true)) {
            if (capsulesSent.get() > 0) {
                LOG.debug("bind to {} sent {} payloads as DATAGRAM capsules", relay.authority(), capsulesSent.get());
            }
            TunnelKeepalive timer = keepalive;
            if (timer != null) {
                timer.stop();
            }
            synchronized (ackMonitor) {
                ackMonitor.notifyAll();
            }
            stream.finish();
            quic.close();
            executor.shutdown();
            datagramExecutor.shutdown();
            listener.onClosed(reason);
        }
    }

    @Override
    public void close() {
        close("closed");
    }

    /** Copies of the addresses for logs. */
    @Override
    public String toString() {
        return "BindClient[" + relay.authority() + " -> " + new ArrayList<>(publicAddresses) + "]";
    }
}
