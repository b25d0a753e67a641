package io.punchline.engine;

import io.punchline.crypto.PeerId;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.PreparedJoin;
import io.punchline.pairing.RememberedPeers;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;
import io.punchline.session.PeerContact;
import io.punchline.session.PeerLinks;
import io.punchline.session.PeerSession;
import io.punchline.transfer.IncomingOffer;
import io.punchline.transfer.OutgoingTransfer;
import io.punchline.transfer.PreparedFiles;
import io.punchline.transfer.Transfer;
import io.punchline.transfer.Transfers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The engine facade (docs/ARCHITECTURE.md, "Layers and packages"): the only API the CLI and the window use. One engine owns one UDP socket,
 * one bind on its relay ({@link RelayBinding}), and the peer sessions it dialled or accepted, each with its traversal
 * ({@link SessionTraversals}); it publishes what happens as {@link EngineEvent}s.
 */
public final class Engine implements AutoCloseable {

    private final EngineConfig config;
    private final EventBus events = new EventBus();
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final EngineSocket socket;
    private final ReflexiveAddress reflexive;
    private final PortMappings portMappings;
    private final SessionTraversals traversals;
    private final PathRouter router;
    private final RelayBinding relay;
    private final PeerBook peerBook;
    private final Transfers transfers;
    private final PeerLinks links;
    private final Map<PeerId, PeerSession> sessions = new ConcurrentHashMap<>();
    private volatile Consumer<PeerSession> onSession = session -> { };
    private volatile Consumer<IncomingOffer> onOffer;

    private Engine(EngineConfig config) throws IOException, BindException {
        this.config = config;
        CompletableFuture<PeerLinks> linksReady = null;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "engine-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "engine-timer");
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.socket = EngineSocket.bind(config.listen());
            this.reflexive = new ReflexiveAddress(socket);
            this.portMappings = config.traversal() && config.portMapping()
                    ? PortMappings.start(socket.localAddress(), events) : null;
            this.router = new PathRouter(this::sendThroughRelay);
            this.traversals = new SessionTraversals(socket, router, events, timer, reflexive, this::relayAddresses,
                    () -> portMappings != null ? portMappings.advertised() : null);
            socket.setProbeHandler(traversals::onProbe);
            if (portMappings != null) {
                portMappings.onAdvertisedChange(traversals::candidatesChanged);
            }
            // the peer listener (native QUIC, its TLS certificate) is built beside the relay connection, not after it
            PeerLinks.requireNativeQuic(); // the native library loads on this thread (see cli.Preload on why)
            linksReady = CompletableFuture.supplyAsync(() -> {
                try {
                    return new PeerLinks(config.identity(), socket, router, executor, config.timeout());
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, executor);
            this.relay = new RelayBinding(config, socket, events, executor, timer, reflexive);
            this.peerBook = config.home() == null ? null : new PeerBook(config.identity(), config.deviceName(),
                    config.home(), events, executor, relay::current, this::contact);
            if (peerBook != null) {
                peerBook.allowFinders(relay.current());
                relay.onBind(peerBook::allowFinders);
            }
            this.transfers = new Transfers(executor, new TransferEvents(events)::onUpdate,
                    session -> pathOf(session).jsonName(), config.home() == null ? null : config.home().resolve("partial"));
            transfers.onIncoming(this::offered);
            transfers.onRefused((session, why) -> events.publish(new EngineEvent.TransferRefused(
                    session.peer().fingerprint(), "refused files from " + session.peer().shortFingerprint() + ": " + why)));
            this.links = built(linksReady);
            links.onAccepted(this::opened);
        } catch (IOException | BindException | RuntimeException e) {
            if (linksReady != null) {
                linksReady.thenAccept(PeerLinks::close);
            }
            close();
            throw e;
        }
        events.publishLatest(RelayBinding.TOPIC, new EngineEvent.RelayBound(relay().toString(), relay.current().publicAddresses().get(0).toString()));
        if (config.traversal()) {
            reflexive.discover(relay.current().publicAddresses(), relay.current().observedAddress());
        }
    }

    private static PeerLinks built(CompletableFuture<PeerLinks> ready) throws IOException {
        try {
            return ready.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
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
        return new PeerContact(peerId(), relay.current().publicAddresses().get(0), relay());
    }

    private List<InetSocketAddress> relayAddresses() {
        return relay.current().publicAddresses();
    }

    private void sendThroughRelay(InetSocketAddress target, byte[] data, int offset, int length) throws IOException {
        relay.current().send(target, data, offset, length);
    }

    /** The engine's UDP socket address. */
    public InetSocketAddress localAddress() {
        return socket.localAddress();
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

    private void opened(PeerSession session) {
        sessions.put(session.peer(), session);
        if (peerBook != null) {
            peerBook.seen(session.peer(), null);
        }
        SessionTraversal traversal = config.traversal() ? traversals.create(session) : null;
        events.publish(new EngineEvent.SessionOpened(session.peer().fingerprint(),
                session.side() == PeerSession.Side.DIALLER ? EngineEvent.SessionSide.DIALLER : EngineEvent.SessionSide.LISTENER,
                session.virtualAddress().toString(), session.tlsGroup()));
        session.closed().thenAccept(reason -> {
            if (traversal != null) {
                traversals.ended(traversal);
            }
            sessions.remove(session.peer(), session);
            router.forget(session.virtualAddress());
            socket.forgetPeer(session.virtualAddress());
            events.publish(new EngineEvent.SessionClosed(session.peer().fingerprint(), reason));
        });
        if (traversal != null) {
            traversals.start(traversal, session);
        }
        if (session.side() == PeerSession.Side.LISTENER) {
            onSession.accept(session);
        }
        // after the session handler, which may take the session's streams itself: a stream that arrived meanwhile
        // waited in the session and goes to whichever handler was set first, never to the wrong one
        session.onStreamIfUnset(stream -> IncomingStreams.route(this, transfers, events, session, stream));
    }

    // ---- pairing and remembered peers (docs/ARCHITECTURE.md, "Pairing, remembered peers and the engine's relay") ----

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
    public PairingInvite invite() throws PairingException {
        return peerBook().invite();
    }

    /** Enters a code the other side created; the peer is remembered when both proved they knew it. */
    public CompletableFuture<RememberedPeers.Peer> join(String code) {
        return peerBook().join(code);
    }

    /**
     * Enters a code whose keys were derived while this engine started (a joiner knows the code and the relay before
     * it connects: {@link PreparedJoin#start}); keys prepared for another relay are derived again.
     */
    public CompletableFuture<RememberedPeers.Peer> join(PreparedJoin prepared) {
        return peerBook().join(prepared);
    }

    public List<RememberedPeers.Peer> rememberedPeers() {
        return peerBook().all();
    }

    public Optional<RememberedPeers.Peer> rememberedPeer(String name) {
        return peerBook().byName(name);
    }

    public RememberedPeers.Peer renamePeer(String name, String newName) throws IOException {
        return peerBook().rename(name, newName);
    }

    /** Forgets a peer: it can no longer dial us or find us through the relay until we pair again. */
    public boolean forgetPeer(String name) throws IOException {
        return peerBook().forget(name);
    }

    private boolean isRemembered(PeerId peer) {
        return peerBook != null && peerBook.isRemembered(peer);
    }

    /** From now on only remembered peers may complete a handshake with this engine. */
    public void acceptOnlyRememberedPeers() {
        peerBook();
        links.setPolicy(this::isRemembered);
    }

    /**
     * A session with a remembered peer: the open one, or a new one to where the relay says the peer is bound now
     * (it must be online at our relay and have paired with us).
     */
    public PeerSession connect(RememberedPeers.Peer peer) throws IOException {
        PeerSession open = sessions.get(peer.peerId());
        if (open != null && !open.isClosed()) {
            return open;
        }
        Optional<InetSocketAddress> at = peerBook().find(peer.peerId());
        if (at.isEmpty()) {
            throw new IOException(peer.name() + " is not online at relay " + relay().authority()
                    + " (Punchline must be running there: the app, or `punchline receive`)");
        }
        return dial(new PeerContact(peer.peerId(), at.get(), relay()));
    }

    // ---- file transfers (docs/ARCHITECTURE.md, "File transfer") ----

    /**
     * Offers files and folders to the peer of {@code session}: hashes them (transfer.hashing), sends the manifest
     * (transfer.offered), and streams what the peer accepts. The result says how it ended; it never completes
     * exceptionally.
     */
    public OutgoingTransfer sendFiles(PeerSession session, List<Path> paths) throws IOException {
        return sendFiles(session, prepareFiles(paths));
    }

    /**
     * For an engine that waits for its peer (a listener): exercises the peer data path on loopback in the background, once
     * per process, until a real session opens ({@link DataPathWarmUp}).
     */
    public void warmUpDataPath() {
        DataPathWarmUp.start(() -> !sessions.isEmpty());
    }

    /** Hashes files ahead of their session (transfer.hashing); changes until the offer are hashed again then. */
    public PreparedFiles prepareFiles(List<Path> paths) {
        return transfers.prepare(paths);
    }

    /** As {@link #sendFiles(PeerSession, List)}, with files hashed ahead ({@link #prepareFiles}). */
    public OutgoingTransfer sendFiles(PeerSession session, PreparedFiles files) throws IOException {
        return transfers.send(session, files, () -> pathOf(session).jsonName());
    }

    /**
     * Where offers from peers go; the handler accepts ({@code offer.accept(folder)}), picks some entries, or declines.
     * Without a handler, offers are declined. An engine with remembered peers declines offers from anyone else.
     */
    public void onOffer(Consumer<IncomingOffer> handler) {
        this.onOffer = handler;
    }

    /** Transfers still running, both directions. */
    public List<Transfer> activeTransfers() {
        return transfers.active();
    }

    private void offered(IncomingOffer offer) {
        Consumer<IncomingOffer> handler = onOffer;
        if (handler == null || (peerBook != null && !peerBook.isRemembered(offer.peer()))) {
            offer.decline();
            return;
        }
        handler.accept(offer);
    }

    /** Where the session's traffic goes now: over a punched path (direct) or through the relay. */
    public EngineEvent.NetworkPath pathOf(PeerSession session) {
        return router.directAddress(session.virtualAddress()) != null
                ? EngineEvent.NetworkPath.DIRECT : EngineEvent.NetworkPath.RELAY;
    }

    /** The direct address a session's traffic goes to, or null while it goes through the relay. */
    public InetSocketAddress directAddressOf(PeerSession session) {
        return router.directAddress(session.virtualAddress());
    }

    /** Bytes of peer traffic sent through the relay and directly, since the engine started. */
    public long relayedBytes() {
        return router.relayedBytes();
    }

    public long directBytes() {
        return router.directBytes();
    }

    /** The relay this engine is bound on now (its certificate and PeerId pinned): of a fleet, the one it chose or failed over to. */
    public RelayAddress relay() {
        return relay.current().relay();
    }

    /** Smoothed round-trip time of the relay connection in milliseconds (kwik's estimate), or -1 before one. */
    public int relayRttMillis() {
        int rtt = relay.current().statistics().smoothedRtt();
        return rtt > 0 ? rtt : -1;
    }

    /** Context IDs open on the relay bind (the uncompressed one and one per compressed peer address). */
    public int relayContexts() {
        return relay.current().openContexts();
    }

    /** Closes everything this engine opened; also the one clean-up path when {@link #start} fails half-way. */
    @Override
    public void close() {
        if (relay != null) {
            relay.stopRebinding();
        }
        if (transfers != null) {
            transfers.close();
        }
        PeerSession.closeAndFlush(sessions.values(), Duration.ofMillis(500)); // before the socket closes
        if (traversals != null) {
            traversals.close();
        }
        if (portMappings != null) {
            portMappings.close();
        }
        timer.shutdownNow();
        if (links != null) {
            links.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (socket != null) {
            socket.close();
        }
        executor.shutdownNow();
    }
}
