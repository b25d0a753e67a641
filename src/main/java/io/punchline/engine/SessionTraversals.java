package io.punchline.engine;

import io.punchline.nat.Candidate;
import io.punchline.nat.PathProbe;
import io.punchline.nat.ProbeVerdict;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;
import io.punchline.session.PeerSession;
import io.punchline.wire.IpAddressCodec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The engine's side of NAT traversal (draft-seemann-quic-nat-traversal-02): one {@link SessionTraversal} per session, this
 * engine's candidates, and the socket's Punchline datagrams (reflexive-address echoes and path probes) handed to
 * their owners.
 */
final class SessionTraversals implements AutoCloseable {

    private final EngineSocket socket;
    private final PathRouter router;
    private final EventBus events;
    private final ScheduledExecutorService timer;
    private final ReflexiveAddress reflexive;
    private final Supplier<List<InetSocketAddress>> relayAddresses;
    private final Supplier<InetSocketAddress> mapped;
    private final Map<Long, SessionTraversal> traversals = new ConcurrentHashMap<>();

    SessionTraversals(EngineSocket socket, PathRouter router, EventBus events, ScheduledExecutorService timer,
                      ReflexiveAddress reflexive, Supplier<List<InetSocketAddress>> relayAddresses,
                      Supplier<InetSocketAddress> mapped) {
        this.socket = socket;
        this.router = router;
        this.events = events;
        this.timer = timer;
        this.reflexive = reflexive;
        this.relayAddresses = relayAddresses;
        this.mapped = mapped;
    }

    /** A traversal for a new session, not started yet. */
    SessionTraversal create(PeerSession session) {
        return new SessionTraversal(session, socket, router, events, timer, Set.copyOf(relayAddresses.get()));
    }

    /** Makes the traversal reachable by its probes and starts it with this engine's candidates. */
    void start(SessionTraversal traversal, PeerSession session) {
        traversals.put(traversal.ownProbeId(), traversal);
        try {
            traversal.start(localCandidates(), reflexive.mapping().orElse(null));
        } catch (IOException e) {
            events.publish(new EngineEvent.Error("traversal with " + session.peer().shortFingerprint()
                    + " could not start: " + e.getMessage()));
        }
    }

    /** This engine's candidates changed (a port mapping came or went): every running traversal offers the new ones. */
    void candidatesChanged() {
        List<Candidate> now = localCandidates();
        traversals.values().forEach(traversal -> traversal.onLocalCandidates(now));
    }

    /** The session of {@code traversal} closed. */
    void ended(SessionTraversal traversal) {
        traversal.close();
        traversals.remove(traversal.ownProbeId(), traversal);
    }

    /**
     * This engine's candidates: its socket's addresses (host), the address its gateway mapped for it (mapped, when
     * {@link PortMappings} holds a public one) and the address the relay observes (srflx), each address once.
     */
    List<Candidate> localCandidates() {
        List<Candidate> candidates = new ArrayList<>();
        // IPv6 first (RFC 8421 section 4): the server advertises in this order, and the client's first round starts
        // with the first pair its record makes
        List<InetSocketAddress> hosts = new ArrayList<>(HostAddresses.of(socket.localAddress()));
        hosts.sort(Comparator.comparing(host -> IpAddressCodec.ipVersion(host) != IpAddressCodec.IP_VERSION_6));
        for (InetSocketAddress host : hosts) {
            candidates.add(Candidate.of(Candidate.Type.HOST, host));
        }
        InetSocketAddress external = mapped.get();
        if (external != null && candidates.stream().noneMatch(c -> c.address().equals(external))) {
            candidates.add(Candidate.of(Candidate.Type.MAPPED, external));
        }
        for (InetSocketAddress observed : reflexive.observedAll()) { // one per family the relay's bind announced
            if (candidates.stream().noneMatch(c -> c.address().equals(observed))) {
                candidates.add(Candidate.of(Candidate.Type.SERVER_REFLEXIVE, observed));
            }
        }
        return candidates;
    }

    /** Punchline's non-QUIC datagrams: reflexive-address echoes through the relay, and path probes. */
    void onProbe(byte[] data, int offset, int length, InetSocketAddress from, boolean viaRelay, EngineSocket.Tie tie) {
        // the socket's IPv6 sources carry a scope ID of 0, which would print as "%0" in every event naming them
        InetSocketAddress source = IpAddressCodec.withoutZeroScope(from);
        if (ReflexiveAddress.isEcho(data, offset, length)) {
            if (viaRelay) {
                reflexive.onEcho(data, offset, length, source);
            }
            return;
        }
        if (viaRelay) {
            return; // path probes travel only on direct paths
        }
        ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
        ProbeVerdict verdict = PathProbe.decode(buffer, sessionId -> {
            SessionTraversal traversal = traversals.get(sessionId);
            return traversal != null ? traversal.probeKey() : null;
        });
        if (verdict instanceof ProbeVerdict.Accepted accepted) {
            SessionTraversal traversal = traversals.get(accepted.probe().sessionId());
            if (traversal != null) {
                if (tie != null) {
                    // authenticated on a side port: the peer's address is reached from that port now. The first
                    // spray probe to arrive ties it; the peer's challenge (it validates the port it heard from first)
                    // or answer ties it to the port that path uses, should probes have hit two ports; on the engine
                    // socket itself, a challenge or answer unties it (the peer validates the engine socket's mapping)
                    PathProbe.Kind kind = accepted.probe().kind();
                    tie.tie(kind == PathProbe.Kind.CHALLENGE || kind == PathProbe.Kind.RESPONSE);
                }
                traversal.onProbe(accepted.probe(), source);
            }
        }
    }

    @Override
    public void close() {
        traversals.values().forEach(SessionTraversal::close);
    }
}
