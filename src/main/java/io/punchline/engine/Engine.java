package io.punchline.engine;

import io.punchline.crypto.PeerId;
import io.punchline.crypto.PeerPolicy;
import io.punchline.masque.BindClient;
import io.punchline.masque.BindException;
import io.punchline.masque.ClientSocketFactory;
import io.punchline.path.ConnectionIdOwner;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;
import io.punchline.path.VirtualDatagramSocket;
import io.punchline.session.PeerContact;
import io.punchline.session.PeerLinks;
import io.punchline.session.PeerSession;
import tech.kwik.core.QuicClientConnection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The engine facade (DESIGN.md section 7): the only API the CLI and the window use. One engine owns one UDP socket,
 * one bind on its relay, and the peer sessions it dialled or accepted; it publishes what happens as
 * {@link EngineEvent}s.
 */
public final class Engine implements AutoCloseable {

    private final EngineConfig config;
    private final EventBus events = new EventBus();
    private final EngineSocket socket;
    private final ExecutorService executor;
    private final PathRouter router;
    private volatile BindClient bind;
    private volatile boolean closing;
    private final java.util.List<Consumer<BindClient>> bindListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final long REBIND_FIRST_MILLIS = 1000;
    private static final long REBIND_MAX_MILLIS = 30_000;
    private final PeerLinks links;
    private final Map<PeerId, PeerSession> sessions = new ConcurrentHashMap<>();
    private volatile Consumer<PeerSession> onSession = session -> { };
    private final Map<Long, SessionTraversal> traversals = new ConcurrentHashMap<>();
    private final Map<Integer, StreamHandler> streamHandlers = new ConcurrentHashMap<>();
    private final PeerBook peerBook;
    private final io.punchline.transfer.Transfers transfers;
    private volatile Consumer<io.punchline.transfer.IncomingOffer> onOffer;
    private final java.util.concurrent.ScheduledExecutorService timer;
    private final ReflexiveAddress reflexive;
    private final boolean traversalEnabled;

    private Engine(EngineConfig config) throws IOException, BindException {
        this.config = config;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "engine-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.socket = EngineSocket.bind(config.listen());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "engine-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.reflexive = new ReflexiveAddress(socket);
        this.traversalEnabled = config.traversal();
        socket.setProbeHandler(this::onProbe);
        this.router = new PathRouter((target, data, offset, length) -> bind.send(target, data, offset, length));
        try {
            this.bind = connectBind();
        } catch (BindException e) {
            socket.close();
            executor.shutdownNow();
            timer.shutdownNow();
            throw e;
        }
        try {
            this.peerBook = config.home() == null ? null : new PeerBook(config.identity(), config.deviceName(),
                    config.home(), events, executor, () -> bind, this::contact);
        } catch (IOException e) {
            bind.close();
            socket.close();
            executor.shutdownNow();
            timer.shutdownNow();
            throw e;
        }
        if (peerBook != null) {
            peerBook.allowFinders(bind);
            onBind(peerBook::allowFinders);
        }
        this.transfers = new io.punchline.transfer.Transfers(executor, new TransferEvents(events)::onUpdate, this::pathOf,
                config.home() == null ? null : config.home().resolve("partial"));
        StreamHandler toTransfers = (session, kind, stream) -> transfers.onStream(session, kind, stream);
        streamHandlers.put(io.punchline.transfer.StreamKind.OFFER, toTransfers);
        streamHandlers.put(io.punchline.transfer.StreamKind.FILE, toTransfers);
        transfers.onIncoming(this::offered);
        transfers.onRefused((session, why) -> events.publish(new EngineEvent.TransferRefused(session.peer().fingerprint(),
                "refused files from " + session.peer().shortFingerprint() + ": " + why)));
        this.links = new PeerLinks(config.identity(), socket, router, executor, config.timeout());
        links.onAccepted(this::opened);
        events.publish(new EngineEvent.RelayBound(config.relay().toString(), bind.publicAddresses().get(0).toString()));
        if (traversalEnabled) {
            reflexive.discover(bind.publicAddresses().get(0));
        }
    }

    private BindClient connectBind() throws BindException {
        return BindClient.connect(config.relay(), config.identity(), new RelaySocketFactory(), new BindClient.Listener() {
            @Override
            public void onPayload(InetSocketAddress source, byte[] data, int offset, int length) {
                socket.deliverFromRelay(source, data, offset, length);
            }

            @Override
            public void onClosed(String reason) {
                if (!closing) {
                    events.publish(new EngineEvent.RelayLost(config.relay().toString(), reason));
                    scheduleRebind(REBIND_FIRST_MILLIS);
                }
            }
        }, config.timeout());
    }

    /**
     * Binds again after the relay connection ended (a relay restart, a network change): with growing pauses up to
     * 30 s, until it works or the engine closes. Sessions that went through the old bind end; peers find the new bind
     * through the relay.
     */
    private void rebind(long pauseMillis) {
        if (closing) {
            return;
        }
        try {
            BindClient fresh = connectBind();
            if (closing) {
                fresh.close();
                return;
            }
            bind = fresh;
            events.publish(new EngineEvent.RelayBound(config.relay().toString(), fresh.publicAddresses().get(0).toString()));
            if (traversalEnabled) {
                reflexive.discover(fresh.publicAddresses().get(0));
            }
            bindListeners.forEach(listener -> listener.accept(fresh));
        } catch (BindException | RuntimeException e) {
            long next = Math.min(REBIND_MAX_MILLIS, pauseMillis * 2);
            events.publish(new EngineEvent.Error("relay " + config.relay().authority() + " unreachable (" + e.getMessage()
                    + "); trying again in " + next / 1000 + " s"));
            scheduleRebind(next);
        }
    }

    private void scheduleRebind(long pauseMillis) {
        if (!closing) {
            timer.schedule(() -> executor.execute(() -> rebind(pauseMillis)), pauseMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Called with every new bind (after start, the engine binds again whenever the relay connection ends). */
    public void onBind(Consumer<BindClient> listener) {
        bindListeners.add(listener);
    }

    /** Starts an engine: binds its socket, connects to its relay and requests a bind. */
    public static Engine start(EngineConfig config) throws IOException, BindException {
        return new Engine(config);
    }

    public EventBus events() {
        return events;
    }

    public PeerId peerId() {
        return config.identity().peerId();
    }

    /** How peers reach this engine: PeerId, public bind address, relay. */
    public PeerContact contact() {
        return new PeerContact(peerId(), bind.publicAddresses().get(0), config.relay());
    }

    /** The engine's UDP socket address. */
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    /** Who may dial this engine. */
    public void setPeerPolicy(PeerPolicy policy) {
        links.setPolicy(policy);
    }

    /** Called with every session a peer opens to this engine, after its handshake. */
    public void onSession(Consumer<PeerSession> handler) {
        this.onSession = handler;
    }

    /** Dials a peer; the returned session has completed the post-quantum handshake with exactly {@code contact.peer()}. */
    public PeerSession dial(PeerContact contact) throws IOException {
        PeerSession session = links.dial(contact, config.timeout());
        opened(session);
        return session;
    }

    /** Reads the kind byte that starts every application stream and hands the stream to its handler. */
    public interface StreamHandler {
        void handle(PeerSession session, int kind, io.punchline.session.SecureStream stream) throws IOException;
    }

    /** Routes application streams of kind {@code kind} (0x02..0x7f; 0x01 is the test stream) to {@code handler}. */
    public void handleStreams(int kind, StreamHandler handler) {
        if (kind <= TestStream.KIND || kind > 0x7f) {
            throw new IllegalArgumentException("stream kind " + kind + " is reserved");
        }
        streamHandlers.put(kind, handler);
    }

    private void route(PeerSession session, io.punchline.session.SecureStream stream) {
        try {
            int kind = stream.input().read();
            if (kind == TestStream.KIND) {
                TestStream.receiveBody(this, session, stream);
                return;
            }
            StreamHandler handler = kind < 0 ? null : streamHandlers.get(kind);
            if (handler == null) {
                stream.abort();
                return;
            }
            handler.handle(session, kind, stream);
        } catch (IOException e) {
            events.publish(new EngineEvent.Error("stream from " + session.peer().shortFingerprint() + " failed: "
                    + e.getMessage()));
            stream.abort();
        }
    }

    private void opened(PeerSession session) {
        sessions.put(session.peer(), session);
        if (peerBook != null) {
            peerBook.seen(session.peer(), null);
        }
        SessionTraversal traversal = traversalEnabled
                ? new SessionTraversal(session, socket, router, events, timer, bind.publicAddresses())
                : null;
        events.publish(new EngineEvent.SessionOpened(session.peer().fingerprint(), session.side().name().toLowerCase(),
                session.virtualAddress().toString(), session.tlsGroup()));
        session.closed().thenAccept(reason -> {
            if (traversal != null) {
                traversal.close();
                traversals.remove(traversal.ownProbeId(), traversal);
            }
            sessions.remove(session.peer(), session);
            router.forget(session.virtualAddress());
            socket.forgetPeer(session.virtualAddress());
            events.publish(new EngineEvent.SessionClosed(session.peer().fingerprint(), reason));
        });
        if (traversal != null) {
            traversals.put(traversal.ownProbeId(), traversal);
            try {
                traversal.start(localCandidates());
            } catch (IOException e) {
                events.publish(new EngineEvent.Error("traversal with " + session.peer().shortFingerprint()
                        + " could not start: " + e.getMessage()));
            }
        }
        if (session.side() == PeerSession.Side.LISTENER) {
            onSession.accept(session);
        }
        // after the session handler, which may take the session's streams itself: a stream that arrived meanwhile
        // waited in the session and goes to whichever handler was set first, never to the wrong one
        session.onStreamIfUnset(stream -> route(session, stream));
    }

    // ---- pairing and remembered peers (DESIGN.md section 6) ----

    private PeerBook peerBook() {
        if (peerBook == null) {
            throw new IllegalStateException("this engine was started without a config folder (EngineConfig.withHome)");
        }
        return peerBook;
    }

    /**
     * Creates a pairing code on the relay's mailbox and waits, in the background, for the other side to enter it.
     * Publishes {@code pairing.code}, then {@code pairing.done} or {@code pairing.failed}.
     */
    public PairingInvite invite() throws io.punchline.pairing.PairingException {
        return peerBook().invite();
    }

    /** Enters a code the other side created; the peer is remembered when both proved they knew it. */
    public java.util.concurrent.CompletableFuture<io.punchline.pairing.RememberedPeers.Peer> join(String code) {
        return peerBook().join(code);
    }

    /**
     * Enters a code whose keys were derived while this engine started (a joiner knows the code and the relay before
     * it connects: {@link io.punchline.pairing.PreparedJoin#start}); keys prepared for another relay are derived again.
     */
    public java.util.concurrent.CompletableFuture<io.punchline.pairing.RememberedPeers.Peer> join(
            io.punchline.pairing.PreparedJoin prepared) {
        return peerBook().join(prepared);
    }

    public java.util.List<io.punchline.pairing.RememberedPeers.Peer> rememberedPeers() {
        return peerBook().all();
    }

    public java.util.Optional<io.punchline.pairing.RememberedPeers.Peer> rememberedPeer(String name) {
        return peerBook().byName(name);
    }

    public io.punchline.pairing.RememberedPeers.Peer renamePeer(String name, String newName) throws IOException {
        return peerBook().rename(name, newName);
    }

    /** Forgets a peer: it can no longer dial us or find us through the relay until we pair again. */
    public boolean forgetPeer(String name) throws IOException {
        return peerBook().forget(name);
    }

    public boolean isRemembered(PeerId peer) {
        return peerBook != null && peerBook.isRemembered(peer);
    }

    /** From now on only remembered peers may complete a handshake with this engine. */
    public void acceptOnlyRememberedPeers() {
        peerBook();
        setPeerPolicy(this::isRemembered);
    }

    /**
     * A session with a remembered peer: the open one, or a new one to where the relay says the peer is bound now
     * (it must be online at our relay and have paired with us).
     */
    public PeerSession connect(io.punchline.pairing.RememberedPeers.Peer peer) throws IOException {
        PeerSession open = sessions.get(peer.peerId());
        if (open != null && !open.isClosed()) {
            return open;
        }
        java.util.Optional<InetSocketAddress> at = peerBook().find(peer.peerId());
        if (at.isEmpty()) {
            throw new IOException(peer.name() + " is not online at relay " + config.relay().authority()
                    + " (Punchline must be running there: the app, or `punchline receive`)");
        }
        return dial(new PeerContact(peer.peerId(), at.get(), config.relay()));
    }

    // ---- file transfers (DESIGN.md section 6) ----

    /**
     * Offers files and folders to the peer of {@code session}: hashes them (transfer.hashing), sends the manifest
     * (transfer.offered), and streams what the peer accepts. The result says how it ended; it never completes
     * exceptionally.
     */
    public io.punchline.transfer.OutgoingTransfer sendFiles(PeerSession session, java.util.List<java.nio.file.Path> paths)
            throws IOException {
        return transfers.send(session, paths, () -> pathOf(session));
    }

    /**
     * Where offers from peers go; the handler accepts ({@code offer.accept(folder)}), picks some entries, or declines.
     * Without a handler, offers are declined. An engine with remembered peers declines offers from anyone else.
     */
    public void onOffer(Consumer<io.punchline.transfer.IncomingOffer> handler) {
        this.onOffer = handler;
    }

    /** Transfers still running, both directions. */
    public java.util.List<io.punchline.transfer.Transfer> activeTransfers() {
        return transfers.active();
    }

    private void offered(io.punchline.transfer.IncomingOffer offer) {
        Consumer<io.punchline.transfer.IncomingOffer> handler = onOffer;
        if (handler == null || (peerBook != null && !peerBook.isRemembered(offer.peer()))) {
            offer.decline();
            return;
        }
        handler.accept(offer);
    }

    /** This engine's candidates: its socket's addresses (host) and the address the relay observes (srflx). */
    java.util.List<io.punchline.nat.Candidate> localCandidates() {
        java.util.List<io.punchline.nat.Candidate> candidates = new java.util.ArrayList<>();
        for (InetSocketAddress host : HostAddresses.of(socket.localAddress())) {
            candidates.add(io.punchline.nat.Candidate.of(io.punchline.nat.Candidate.Type.HOST, host));
        }
        InetSocketAddress observed = reflexive.observed();
        if (observed != null && candidates.stream().noneMatch(c -> c.address().equals(observed))) {
            candidates.add(io.punchline.nat.Candidate.of(io.punchline.nat.Candidate.Type.SERVER_REFLEXIVE, observed));
        }
        return candidates;
    }

    /** Punchline's non-QUIC datagrams: reflexive-address echoes through the relay, and path probes. */
    private void onProbe(byte[] data, int offset, int length, InetSocketAddress source, boolean viaRelay) {
        if (ReflexiveAddress.isEcho(data, offset, length)) {
            if (viaRelay) {
                reflexive.onEcho(data, offset, length, source);
            }
            return;
        }
        if (viaRelay) {
            return; // path probes travel only on direct paths
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data, offset, length);
        io.punchline.nat.ProbeVerdict verdict = io.punchline.nat.PathProbe.decode(buffer, sessionId -> {
            SessionTraversal traversal = traversals.get(sessionId);
            return traversal != null ? traversal.probeKey() : null;
        });
        if (verdict instanceof io.punchline.nat.ProbeVerdict.Accepted accepted) {
            SessionTraversal traversal = traversals.get(accepted.probe().sessionId());
            if (traversal != null) {
                traversal.onProbe(accepted.probe(), source);
            }
        }
    }

    PathRouter router() {
        return router;
    }

    BindClient bind() {
        return bind;
    }

    EngineSocket socket() {
        return socket;
    }

    /** "direct" when the session's traffic goes over a punched path, else "relay". */
    public String pathOf(PeerSession session) {
        return router.directAddress(session.virtualAddress()) != null ? "direct" : "relay";
    }

    /** The direct address a session's traffic goes to, or null while it goes through the relay. */
    public InetSocketAddress directAddressOf(PeerSession session) {
        return router.directAddress(session.virtualAddress());
    }

    /** The address the relay observed for this engine's socket (server-reflexive candidate), or null if unknown. */
    public InetSocketAddress observedAddress() {
        return reflexive.observed();
    }

    /** Bytes of peer traffic sent through the relay and directly, since the engine started. */
    public long relayedBytes() {
        return router.relayedBytes();
    }

    public long directBytes() {
        return router.directBytes();
    }

    /** The relay this engine is bound on (its certificate and PeerId pinned). */
    public io.punchline.masque.RelayAddress relay() {
        return config.relay();
    }

    /** Smoothed round-trip time of the relay connection in milliseconds (kwik's estimate), or -1 before one. */
    public int relayRttMillis() {
        int rtt = bind.statistics().smoothedRtt();
        return rtt > 0 ? rtt : -1;
    }

    /** Context IDs open on the relay bind (the uncompressed one and one per compressed peer address). */
    public int relayContexts() {
        return bind.openContexts();
    }

    @Override
    public void close() {
        closing = true;
        transfers.close();
        sessions.values().forEach(PeerSession::close);
        traversals.values().forEach(SessionTraversal::close);
        timer.shutdownNow();
        links.close();
        bind.close();
        socket.close();
        executor.shutdownNow();
    }

    /** Puts the relay connection on the engine socket (DESIGN.md section 1): the relay sees the address peers punch to. */
    private final class RelaySocketFactory implements ClientSocketFactory {
        private VirtualDatagramSocket created;

        @Override
        public VirtualDatagramSocket createSocket(InetAddress destination) throws SocketException {
            created = socket.clientSocket(socket::send);
            return created;
        }

        @Override
        public void connectionBuilt(QuicClientConnection connection) {
            socket.own(created, ConnectionIdOwner.of(connection));
        }
    }
}
