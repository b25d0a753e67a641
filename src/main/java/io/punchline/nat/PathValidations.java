package io.punchline.nat;

import io.punchline.nat.TraversalAction.SendProbe;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The path validations of one {@link Traversal} in progress (RFC 9000 section 8.2, with {@link PathProbe}s): the
 * addresses being probed, each with a challenge at once and then every {@link Traversal#CHALLENGE_INTERVAL_MILLIS}, the
 * challenges awaiting a response, and the peer-reflexive addresses whose probing ends after
 * {@link Traversal#PEER_REFLEXIVE_PROBE_MILLIS}. No clock: times are the caller's. Not thread-safe.
 */
final class PathValidations {

    /** Challenges remembered while unanswered; beyond this all are forgotten. */
    static final int MAX_OUTSTANDING = 256;

    /** A challenge sent to {@code target} at {@code atMillis}. */
    record Sent(InetSocketAddress target, long atMillis) {
    }

    private record Expiry(InetSocketAddress address, long atMillis) {
    }

    private final long peerProbeId;
    private final RandomGenerator random;
    /** Addresses being probed, with when their next challenge is due. */
    private final Map<InetSocketAddress, Long> probing = new LinkedHashMap<>();
    private final Map<Long, Sent> outstanding = new HashMap<>();
    private final List<Expiry> peerReflexive = new ArrayList<>();

    PathValidations(long peerProbeId, RandomGenerator random) {
        this.peerProbeId = peerProbeId;
        this.random = random;
    }

    boolean isProbing(InetSocketAddress target) {
        return probing.containsKey(target);
    }

    int probingCount() {
        return probing.size();
    }

    Set<InetSocketAddress> targets() {
        return Set.copyOf(probing.keySet());
    }

    /** Starts probing {@code target} unless it is probed already: its first challenge goes now. */
    void start(InetSocketAddress target, long nowMillis, List<TraversalAction> actions) {
        if (probing.containsKey(target)) {
            return;
        }
        probing.put(target, nowMillis + Traversal.CHALLENGE_INTERVAL_MILLIS);
        challenge(target, nowMillis, actions);
    }

    /** Starts probing a peer-reflexive address, to stop after {@link Traversal#PEER_REFLEXIVE_PROBE_MILLIS}. */
    void startPeerReflexive(InetSocketAddress source, long nowMillis, List<TraversalAction> actions) {
        start(source, nowMillis, actions);
        peerReflexive.add(new Expiry(source, nowMillis + Traversal.PEER_REFLEXIVE_PROBE_MILLIS));
    }

    void stop(InetSocketAddress target) {
        probing.remove(target);
    }

    void stopAll() {
        probing.clear();
    }

    /** One more challenge to {@code target}, if it is being probed. */
    void challenge(InetSocketAddress target, long nowMillis, List<TraversalAction> actions) {
        if (!probing.containsKey(target)) {
            return;
        }
        PathProbe challenge = new PathProbe(PathProbe.Kind.CHALLENGE, peerProbeId, random.nextLong());
        outstanding.put(challenge.data(), new Sent(target, nowMillis));
        if (outstanding.size() > MAX_OUTSTANDING) {
            outstanding.clear();
        }
        actions.add(new SendProbe(challenge, target));
    }

    /** The challenge a response answers, once: empty for data never sent, answered already, or forgotten. */
    Optional<Sent> answered(PathProbe response) {
        return Optional.ofNullable(outstanding.remove(response.data()));
    }

    /** A path was validated: no probe runs and no other challenge counts. */
    void finish() {
        probing.clear();
        outstanding.clear();
    }

    /** The earliest challenge or peer-reflexive expiry, {@link Long#MAX_VALUE} when there is none. */
    long nextDeadlineMillis() {
        long next = Long.MAX_VALUE;
        for (long at : probing.values()) {
            next = Math.min(next, at);
        }
        for (Expiry expiry : peerReflexive) {
            next = Math.min(next, expiry.atMillis());
        }
        return next;
    }

    /**
     * Runs one thing due at {@code due}: a peer-reflexive address's probing ends (unless the path is {@code direct}
     * by now), or a challenge is repeated. Returns false when nothing here was due then.
     */
    boolean runDue(long due, long nowMillis, boolean direct, List<TraversalAction> actions) {
        for (Expiry expiry : peerReflexive) {
            if (expiry.atMillis() == due) {
                peerReflexive.remove(expiry);
                if (!direct) {
                    probing.remove(expiry.address());
                }
                return true;
            }
        }
        for (Map.Entry<InetSocketAddress, Long> probe : probing.entrySet()) {
            if (probe.getValue() == due) {
                probe.setValue(nowMillis + Traversal.CHALLENGE_INTERVAL_MILLIS);
                challenge(probe.getKey(), nowMillis, actions);
                return true;
            }
        }
        return false;
    }
}
