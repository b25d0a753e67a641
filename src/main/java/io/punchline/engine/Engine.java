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
    private final BindClient bind;
    private final PeerLinks links;
    private final Map<PeerId, PeerSession> sessions = new ConcurrentHashMap<>();
    private volatile Consumer<PeerSession> onSession = session -> { };
    private final Map<Long, Traversal> traversals = new ConcurrentHashMap<>();
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
        BindClient[] bindHolder = new BindClient[1];
        this.router = new PathRouter(socket, (target, data, offset, length) -> bindHolder[0].send(target, data, offset, length));
        try {
            this.bind = BindClient.connect(config.relay(), config.identity(), new RelaySocketFactory(), new BindClient.Listener() {
                @Override
                public void onPayload(InetSocketAddress source, byte[] data, int offset, int length) {
                    socket.deliverFromRelay(source, data, offset, length);
                }

                @Override
                public void onClosed(String reason) {
                    events.publish(new EngineEvent.RelayLost(config.relay().toString(), reason));
                }
            }, config.timeout());
        } catch (BindException e) {
            socket.close();
            executor.shutdownNow();
            throw e;
        }
        bindHolder[0] = bind;
        this.links = new PeerLinks(config.identity(), socket, router, executor, config.timeout());
        links.onAccepted(this::opened);
        events.publish(new EngineEvent.RelayBound(config.relay().toString(), bind.publicAddresses().get(0).toString()));
        if (traversalEnabled) {
            reflexive.discover(bind.publicAddresses().get(0));
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

    private void opened(PeerSession session) {
        sessions.put(session.peer(), session);
        Traversal traversal = traversalEnabled
                ? new Traversal(session, socket, router, events, timer, java.util.Set.copyOf(bind.publicAddresses()))
                : null;
        events.publish(new EngineEvent.SessionOpened(session.peer().fingerprint(), session.side().name().toLowerCase(),
                session.virtualAddress().toString()));
        session.closed().thenAccept(reason -> {
            if (traversal != null) {
                traversal.close();
                traversals.remove(traversal.ownProbeId(), traversal);
            }
            sessions.remove(session.peer(), session);
            router.forget(session.virtualAddress());
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
            Traversal traversal = traversals.get(sessionId);
            return traversal != null ? traversal.probeKey() : null;
        });
        if (verdict instanceof io.punchline.nat.ProbeVerdict.Accepted accepted) {
            Traversal traversal = traversals.get(accepted.probe().sessionId());
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
        sessions.values().forEach(PeerSession::close);
        traversals.values().forEach(Traversal::close);
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
