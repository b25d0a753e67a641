package io.punchline.engine;

import io.punchline.nat.AddAddress;
import io.punchline.nat.Candidate;
import io.punchline.nat.CandidatePair;
import io.punchline.nat.NatTraversalParameter;
import io.punchline.nat.PathProbe;
import io.punchline.nat.PunchMeNow;
import io.punchline.nat.PunchOrder;
import io.punchline.nat.PunchResponder;
import io.punchline.nat.PunchResponse;
import io.punchline.nat.PunchScheduler;
import io.punchline.nat.RemoveAddress;
import io.punchline.nat.TraversalCodec;
import io.punchline.nat.TraversalMessage;
import io.punchline.nat.TraversalProtocolException;
import io.punchline.nat.TraversalRole;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;
import io.punchline.session.PeerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Hole punching and path migration for one peer session (DESIGN.md section 5, draft-seemann-quic-nat-traversal-02 with
 * RFC 9000 section 8.2 path validation). The dialler is the draft's client, the listener its server.
 *
 * <ol>
 *   <li>Each side opens its half of the control stream with the {@code nat_traversal} parameter (the listener's carries
 *   its concurrency limit); the listener advertises its candidates with ADD_ADDRESS.</li>
 *   <li>The dialler pairs them with its own ({@link PunchScheduler}), sends PUNCH_ME_NOW per pair in rounds, and probes
 *   each pair's remote address at once; the listener probes the dialler's address named in each PUNCH_ME_NOW.</li>
 *   <li>Probes are {@link PathProbe} challenges, MACed with a key from the post-quantum session, padded to 1200 bytes,
 *   answered on the path they came from. The first answered challenge validates that path and this side's traffic
 *   switches to it at once ({@link PathRouter#useDirect}).</li>
 *   <li>On the direct path, keepalives every {@link #KEEPALIVE_MILLIS}; when none is answered for
 *   {@link #FALLBACK_MILLIS}, traffic falls back to the relay without touching QUIC, and traversal starts again after a
 *   backoff.</li>
 * </ol>
 */
final class Traversal {

    static final long CONCURRENCY_LIMIT = 4;
    static final long CHALLENGE_INTERVAL_MILLIS = 100;
    static final long KEEPALIVE_MILLIS = 250;
    static final long FALLBACK_MILLIS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(Traversal.class);

    private final PeerSession session;
    private final boolean client;
    private final EngineSocket socket;
    private final PathRouter router;
    private final EventBus events;
    private final ScheduledExecutorService timer;
    private final SecureRandom random = new SecureRandom();
    private final byte[] probeKey;
    private final long ownProbeId;
    private final long peerProbeId;
    private final String peer;
    private final PunchScheduler scheduler;
    private final PunchResponder responder;
    private final Set<InetSocketAddress> ownRelayAddresses;

    /** Challenges in flight: data -> (target, time sent). */
    private final Map<Long, Sent> outstanding = new HashMap<>();
    /** Addresses being probed, with their probe task. */
    private final Map<InetSocketAddress, ScheduledFuture<?>> probing = new HashMap<>();
    private final Map<Long, InetSocketAddress> remoteCandidates = new HashMap<>();
    private InetSocketAddress direct;
    private long lastAnswerMillis;
    private long lastDirectPackets;
    private long lastAuthenticatedPackets;
    private ScheduledFuture<?> keepalive;
    private ScheduledFuture<?> roundTimer;
    private long reportedRound;
    private boolean closed;

    private record Sent(InetSocketAddress target, long nanos) {
    }

    Traversal(PeerSession session, EngineSocket socket, PathRouter router, EventBus events,
              ScheduledExecutorService timer, Set<InetSocketAddress> ownRelayAddresses) {
        this.session = session;
        this.client = session.side() == PeerSession.Side.DIALLER;
        this.socket = socket;
        this.router = router;
        this.events = events;
        this.timer = timer;
        this.probeKey = session.secrets().probeMacKey();
        long diallerId = ByteBuffer.wrap(session.secrets().deriveKey("punchline/1-probe-id-dialler", 8)).getLong();
        long listenerId = ByteBuffer.wrap(session.secrets().deriveKey("punchline/1-probe-id-listener", 8)).getLong();
        this.ownProbeId = client ? diallerId : listenerId;
        this.peerProbeId = client ? listenerId : diallerId;
        this.peer = session.peer().fingerprint();
        // the peer's relayed candidate is its bind address, the session's virtual address: never punched
        this.scheduler = client ? new PunchScheduler(CONCURRENCY_LIMIT, PunchScheduler.Settings.defaults(),
                Set.of(session.virtualAddress())) : null;
        this.ownRelayAddresses = Set.copyOf(ownRelayAddresses);
        this.responder = client ? null : new PunchResponder(CONCURRENCY_LIMIT);
    }

    /** The session ID peers put in probes meant for this traversal. */
    long ownProbeId() {
        return ownProbeId;
    }

    byte[] probeKey() {
        return probeKey;
    }

    /** Starts the control stream exchange with this side's candidates. */
    void start(List<Candidate> localCandidates) throws IOException {
        session.readControl(this::readControl);
        // the first control message carries everything known now: the parameter and (listener) every candidate,
        // so the dialler can pair and probe one trip after the session opened (no fixed waits)
        java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
        first.writeBytes(TraversalCodec.encode(client ? NatTraversalParameter.fromClient()
                : NatTraversalParameter.fromServer(CONCURRENCY_LIMIT)));
        for (Candidate candidate : localCandidates) {
            events.publish(new EngineEvent.CandidateAdded(peer, true, typeName(candidate.type()), candidate.address().toString()));
        }
        // the relayed candidates: each side's bind address, the path every session starts on and falls back to
        for (InetSocketAddress relayed : ownRelayAddresses) {
            events.publish(new EngineEvent.CandidateAdded(peer, true, "relay", relayed.toString()));
        }
        events.publish(new EngineEvent.CandidateAdded(peer, false, "relay", session.virtualAddress().toString()));
        if (client) {
            session.sendControl(first.toByteArray());
            synchronized (this) {
                carryOut(scheduler.onLocalCandidates(localCandidates, now()));
            }
        } else {
            synchronized (this) {
                for (Candidate candidate : localCandidates) {
                    first.writeBytes(TraversalCodec.encode(responder.advertise(candidate.address())));
                }
            }
            session.sendControl(first.toByteArray());
        }
    }

    private void readControl(InputStream control) throws IOException {
        TraversalCodec codec = new TraversalCodec(client ? TraversalRole.CLIENT : TraversalRole.SERVER);
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = control.read(buffer)) >= 0; ) {
                for (TraversalMessage message : codec.feed(ByteBuffer.wrap(buffer, 0, n))) {
                    onMessage(message);
                }
            }
            codec.finish();
        } catch (TraversalProtocolException e) {
            throw new IOException("traversal protocol error from the peer: " + e.getMessage(), e);
        }
    }

    private void onMessage(TraversalMessage message) throws IOException, TraversalProtocolException {
        if (message instanceof AddAddress add) {
            events.publish(new EngineEvent.CandidateAdded(peer, false,
                    typeName(Candidate.inferred(add.address()).type()), add.address().toString()));
            synchronized (this) {
                remoteCandidates.put(add.sequence(), add.address());
                carryOut(scheduler.onAddAddress(add, now()));
            }
        } else if (message instanceof RemoveAddress remove) {
            synchronized (this) {
                InetSocketAddress gone = remoteCandidates.remove(remove.sequence());
                if (gone != null) {
                    events.publish(new EngineEvent.CandidateRemoved(peer, false, gone.toString()));
                }
                carryOut(scheduler.onRemoveAddress(remove, now()));
            }
        } else if (message instanceof PunchMeNow punch) {
            PunchResponse response;
            synchronized (this) {
                response = responder.onPunchMeNow(punch);
                for (InetSocketAddress cancelled : response.cancelled()) {
                    stopProbing(cancelled);
                }
                if (response.round() != reportedRound) {
                    reportedRound = response.round();
                    events.publish(new EngineEvent.PunchStarted(peer, response.round(), List.of(punch.address().toString())));
                }
                if (response.startsProbe()) {
                    startProbing(response.target());
                }
            }
        }
        // nat_traversal parameter and OBSERVED_ADDRESS: the codec checked them; nothing more to do
    }

    /** Client: sends the order's PUNCH_ME_NOW frames and probes its pairs at once; arms the round timer. */
    private void carryOut(java.util.Optional<PunchOrder> order) throws IOException {
        if (order.isEmpty()) {
            armRoundTimer();
            return;
        }
        PunchOrder punch = order.get();
        if (punch.newRound()) {
            for (InetSocketAddress target : new ArrayList<>(probing.keySet())) {
                stopProbing(target);
            }
            if (reportedRound != 0) {
                events.publish(new EngineEvent.PunchFinished(peer, reportedRound, "failed", null));
            }
            reportedRound = punch.round().number();
            events.publish(new EngineEvent.PunchStarted(peer, punch.round().number(),
                    punch.round().pairs().stream().map(Traversal::describe).toList()));
        }
        if (!punch.messages().isEmpty()) {
            java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
            for (PunchMeNow frame : punch.messages()) {
                frames.writeBytes(TraversalCodec.encode(frame));
            }
            session.sendControl(frames.toByteArray()); // one record: the peer probes every pair at once
        }
        for (CandidatePair pair : punch.start()) {
            startProbing(pair.remote().address());
        }
        armRoundTimer();
    }

    private void armRoundTimer() {
        if (roundTimer != null) {
            roundTimer.cancel(false);
            roundTimer = null;
        }
        if (scheduler == null || closed) {
            return;
        }
        scheduler.nextDeadlineMillis().ifPresent(deadline -> roundTimer = timer.schedule(this::onRoundTimer,
                Math.max(1, deadline - now()), TimeUnit.MILLISECONDS));
    }

    private synchronized void onRoundTimer() {
        if (closed) {
            return;
        }
        try {
            long round = reportedRound;
            var order = scheduler.onTimer(now());
            if (order.isEmpty() && scheduler.currentRound().isEmpty() && round != 0 && direct == null) {
                events.publish(new EngineEvent.PunchFinished(peer, round, "failed", null));
                reportedRound = 0;
                for (InetSocketAddress target : new ArrayList<>(probing.keySet())) {
                    stopProbing(target);
                }
            }
            carryOut(order);
        } catch (IOException e) {
            LOG.debug("traversal control failed: {}", e.getMessage());
        }
    }

    // ---- probes ----

    private void startProbing(InetSocketAddress target) {
        if (probing.containsKey(target) || closed) {
            return;
        }
        probing.put(target, timer.scheduleWithFixedDelay(() -> sendChallenge(target), 0, CHALLENGE_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS));
    }

    private void stopProbing(InetSocketAddress target) {
        ScheduledFuture<?> task = probing.remove(target);
        if (task != null) {
            task.cancel(false);
        }
    }

    private void sendChallenge(InetSocketAddress target) {
        PathProbe challenge;
        synchronized (this) {
            if (closed || !probing.containsKey(target)) {
                return;
            }
            challenge = PathProbe.challenge(peerProbeId, random);
            outstanding.put(challenge.data(), new Sent(target, System.nanoTime()));
            if (outstanding.size() > 256) {
                outstanding.keySet().removeIf(k -> true);
            }
        }
        send(challenge, target);
    }

    private void send(PathProbe probe, InetSocketAddress target) {
        byte[] datagram = probe.encode(probeKey);
        try {
            socket.send(datagram, 0, datagram.length, target);
        } catch (IOException e) {
            LOG.debug("probe to {} failed: {}", target, e.getMessage());
        }
    }

    /** A probe with this side's session ID and a valid MAC arrived from {@code source}. */
    void onProbe(PathProbe probe, InetSocketAddress source) {
        switch (probe.kind()) {
            case CHALLENGE -> {
                // RFC 9000 section 8.2.2: answer at once, on the path the challenge came from
                router.acceptFrom(session.virtualAddress(), source);
                send(probe.answer(peerProbeId), source);
                probePeerReflexive(source);
                // the peer's NAT has just let its probe out toward us, so ours gets in now: do not wait for the next
                // 100 ms tick (on port-restricted NATs this is what validates this side)
                if (directPath() == null) {
                    sendChallenge(source);
                }
            }
            case KEEPALIVE -> send(probe.answer(peerProbeId), source);
            case RESPONSE -> onResponse(probe);
            case KEEPALIVE_ACK -> {
                synchronized (this) {
                    lastAnswerMillis = now();
                }
            }
        }
    }

    /**
     * A challenge from an address we are not probing is a peer-reflexive candidate (RFC 8445 section 7.3.1.3): the
     * peer's NAT gave its probe a mapping its relay never saw (address-dependent mapping). Our own challenges to that
     * mapping pass the peer's NAT, which has just sent to us from it, and give this side a validated path too.
     */
    private synchronized void probePeerReflexive(InetSocketAddress source) {
        if (direct == null && !closed && !probing.containsKey(source) && probing.size() < 2 * CONCURRENCY_LIMIT) {
            events.publish(new EngineEvent.CandidateAdded(peer, false, "prflx", source.toString()));
            startProbing(source);
            timer.schedule(() -> {
                synchronized (this) {
                    if (direct == null) {
                        stopProbing(source);
                    }
                }
            }, 3, TimeUnit.SECONDS);
        }
    }

    private synchronized void onResponse(PathProbe response) {
        Sent sent = outstanding.remove(response.data());
        if (sent == null || closed) {
            return;
        }
        long rttMillis = (System.nanoTime() - sent.nanos()) / 1_000_000;
        InetSocketAddress target = sent.target();
        events.publish(new EngineEvent.PathValidated(peer, target.toString(), rttMillis));
        if (direct != null) {
            return;
        }
        for (InetSocketAddress probed : new ArrayList<>(probing.keySet())) {
            stopProbing(probed);
        }
        outstanding.clear();
        if (client) {
            scheduler.onValidated(target, now());
            armRoundTimer();
        }
        if (reportedRound != 0) {
            events.publish(new EngineEvent.PunchFinished(peer, reportedRound, "validated", target.toString()));
        }
        switchTo(target);
    }

    private void switchTo(InetSocketAddress target) {
        direct = target;
        lastAnswerMillis = now();
        router.useDirect(session.virtualAddress(), target);
        events.publish(new EngineEvent.PathSwitched(peer, "direct", target.toString()));
        keepalive = timer.scheduleWithFixedDelay(this::keepDirectPathAlive, KEEPALIVE_MILLIS, KEEPALIVE_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void keepDirectPathAlive() {
        long arrived = directTrafficArrived(); // outside the lock: it asks the socket's event loop
        InetSocketAddress target;
        synchronized (this) {
            if (closed || direct == null) {
                return;
            }
            if (arrived > lastAnswerMillis) {
                lastAnswerMillis = arrived;
            }
            if (now() - lastAnswerMillis > FALLBACK_MILLIS) {
                fallBack("no answer on the direct path for " + (now() - lastAnswerMillis) + " ms");
                return;
            }
            target = direct;
        }
        send(PathProbe.keepalive(peerProbeId, random), target);
    }

    /**
     * Whether the peer's QUIC packets keep arriving on the direct path: packets from the direct address reached the
     * codec since the last check, and quiche authenticated new packets on the session meanwhile. On a busy or lossy
     * path this keeps the path alive even when keepalive answers are late or lost (no false fallback); on a cut path
     * nothing arrives and the keepalives decide. Returns when the last of those packets arrived (in {@link #now()}
     * milliseconds), or 0. Runs on the timer thread only.
     */
    private long directTrafficArrived() {
        long direct = router.directPacketsReceived(session.virtualAddress());
        if (direct == lastDirectPackets) {
            return 0;
        }
        long lastArrival = router.lastDirectReceiveNanos(session.virtualAddress()) / 1_000_000;
        long authenticated = session.packetsReceived();
        boolean arrived = authenticated > lastAuthenticatedPackets;
        lastDirectPackets = direct;
        lastAuthenticatedPackets = authenticated;
        return arrived ? lastArrival : 0;
    }

    private void fallBack(String reason) {
        InetSocketAddress lost = direct;
        direct = null;
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        router.useRelay(session.virtualAddress());
        events.publish(new EngineEvent.PathFallback(peer, lost.toString(), reason));
        events.publish(new EngineEvent.PathSwitched(peer, "relay", session.virtualAddress().toString()));
        reportedRound = 0;
        if (client) {
            scheduler.onPathLost(now());
            armRoundTimer();
        }
    }

    /** The current direct address, or null while traffic goes through the relay. */
    synchronized InetSocketAddress directPath() {
        return direct;
    }

    synchronized void close() {
        closed = true;
        for (InetSocketAddress target : new ArrayList<>(probing.keySet())) {
            stopProbing(target);
        }
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        if (roundTimer != null) {
            roundTimer.cancel(false);
        }
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private static String describe(CandidatePair pair) {
        return pair.local().address() + "->" + pair.remote().address();
    }

    static String typeName(Candidate.Type type) {
        return switch (type) {
            case HOST -> "host";
            case SERVER_REFLEXIVE -> "srflx";
            case RELAYED -> "relay";
        };
    }
}
