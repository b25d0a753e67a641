package io.punchline.nat;

import io.punchline.nat.TraversalAction.AcceptFrom;
import io.punchline.nat.TraversalAction.CandidateAdded;
import io.punchline.nat.TraversalAction.CandidateRemoved;
import io.punchline.nat.TraversalAction.PathValidated;
import io.punchline.nat.TraversalAction.RoundFinished;
import io.punchline.nat.TraversalAction.RoundStarted;
import io.punchline.nat.TraversalAction.SendControl;
import io.punchline.nat.TraversalAction.SendProbe;
import io.punchline.nat.TraversalAction.UseDirect;
import io.punchline.nat.TraversalAction.UseRelay;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Hole punching and path migration for one peer connection, draft-seemann-quic-nat-traversal-02 as summarised in
 * PROTOCOL-REFERENCE.md section 4 (4.2 the -02 wire format, 4.3 the -02 hole-punching algorithm, steps 3 to 6:
 * advertisement, pairing, PUNCH_ME_NOW with immediate path validation on both sides, probing rounds), with RFC 9000
 * section 8.2 path validation (section 6 there). The client is the dialler, the server the listener.
 *
 * <ol>
 *   <li>Each side opens its half of the control stream with the {@code nat_traversal} parameter; the server's first
 *   record also carries its concurrency limit and every candidate (ADD_ADDRESS), so the client can pair and probe one
 *   trip after the session opened.</li>
 *   <li>The client pairs candidates and runs rounds ({@link PunchScheduler}), sending PUNCH_ME_NOW per pair and probing
 *   each pair's remote address at once; the server probes the client address each PUNCH_ME_NOW names
 *   ({@link PunchResponder}).</li>
 *   <li>Probes are {@link PathProbe} challenges every {@link #CHALLENGE_INTERVAL_MILLIS}; a challenge received is
 *   answered on its path, and answered by a challenge of ours at once. A challenge from an address not probed is a
 *   peer-reflexive candidate (RFC 8445 section 7.3.1.3), probed for {@link #PEER_REFLEXIVE_PROBE_MILLIS}. The first
 *   answered challenge validates its path and this side switches to it.</li>
 *   <li>On the direct path, a keepalive every {@link #KEEPALIVE_MILLIS}; the path lives while keepalives are answered
 *   or the peer's authenticated QUIC packets keep arriving on it ({@link DirectTraffic}). After
 *   {@link #FALLBACK_MILLIS} of neither, traffic falls back to the relay and the client retries after a backoff.</li>
 * </ol>
 *
 * <p>No clock, no I/O, no threads: every input carries the caller's {@code nowMillis}, every method returns the
 * {@link TraversalAction}s to carry out in order, and the caller calls {@link #onTimer} at {@link #nextDeadlineMillis()}.
 * Not thread-safe.
 */
public final class Traversal {

    public static final long CONCURRENCY_LIMIT = 4;
    public static final long CHALLENGE_INTERVAL_MILLIS = 100;
    public static final long KEEPALIVE_MILLIS = 250;
    public static final long FALLBACK_MILLIS = 2000;
    public static final long PEER_REFLEXIVE_PROBE_MILLIS = 3000;

    private final boolean client;
    private final long peerProbeId;
    private final InetSocketAddress peerRelayAddress;
    private final Set<InetSocketAddress> ownRelayAddresses;
    private final RandomGenerator random;
    private final PunchScheduler scheduler;
    private final PunchResponder responder;
    private final PathValidations validations;
    private final HardNatPunch hardNat;
    private final Map<Long, InetSocketAddress> remoteCandidates = new HashMap<>();
    private final LocalCandidates localCandidates = new LocalCandidates();
    private boolean started;
    private InetSocketAddress direct;
    private final DirectPathLiveness liveness = new DirectPathLiveness();
    private long reportedRound;
    private boolean closed;

    /**
     * @param peerProbeId the session ID the peer chose for its probes (put into ours)
     * @param peerRelayAddress the peer's bind address at the relay, the session's path until a switch: never punched
     * @param ownRelayAddresses this side's bind addresses, reported as its relayed candidates
     * @param random where challenge and keepalive data come from (RFC 9000 section 8.2.1: "MUST be unpredictable")
     */
    public Traversal(TraversalRole role, long peerProbeId, InetSocketAddress peerRelayAddress,
                     Set<InetSocketAddress> ownRelayAddresses, RandomGenerator random) {
        this.client = role == TraversalRole.CLIENT;
        this.peerProbeId = peerProbeId;
        this.peerRelayAddress = peerRelayAddress;
        this.ownRelayAddresses = Set.copyOf(ownRelayAddresses);
        this.random = random;
        this.scheduler = client ? new PunchScheduler(CONCURRENCY_LIMIT, PunchScheduler.Settings.defaults(),
                Set.of(peerRelayAddress)) : null;
        this.responder = client ? null : new PunchResponder(CONCURRENCY_LIMIT);
        this.validations = new PathValidations(peerProbeId, random);
        this.hardNat = new HardNatPunch(peerProbeId, client, random);
    }

    /** {@link #start(List, NatMapping, long)} with this side's NAT mapping unknown. */
    public List<TraversalAction> start(List<Candidate> localCandidates, long nowMillis) {
        return start(localCandidates, null, nowMillis);
    }

    /** Reports the candidates; the first record: parameter, own NAT_MAPPING if known, the server's candidates. */
    public List<TraversalAction> start(List<Candidate> localCandidates, NatMapping ownMapping, long nowMillis) {
        started = true;
        Optional<NatMapping> mapping = hardNat.announce(ownMapping);
        List<TraversalAction> actions = new ArrayList<>();
        new LocalCandidates.Change(localCandidates, List.of()).report(actions);
        this.localCandidates.update(localCandidates);
        for (InetSocketAddress relayed : ownRelayAddresses) {
            actions.add(new CandidateAdded(true, "relay", relayed));
        }
        actions.add(new CandidateAdded(false, "relay", peerRelayAddress));
        List<TraversalMessage> first = new ArrayList<>(List.of(client ? NatTraversalParameter.fromClient()
                : NatTraversalParameter.fromServer(CONCURRENCY_LIMIT)));
        mapping.ifPresent(first::add);
        if (client) {
            actions.add(new SendControl(first));
            carryOut(scheduler.onLocalCandidates(localCandidates, nowMillis), nowMillis, actions);
        } else {
            for (Candidate candidate : localCandidates) {
                first.add(responder.advertise(candidate.address()));
            }
            actions.add(new SendControl(first));
        }
        hardNat.openPortsIfHard(nowMillis, actions); // the peer's NAT_MAPPING may have come before this start
        return actions;
    }

    /**
     * This side's candidates now: one learned after the start (a late port mapping) is reported and offered (the server's
     * in an ADD_ADDRESS, the client's in its next rounds' pairs), one gone is withdrawn (REMOVE_ADDRESS, or left out).
     */
    public List<TraversalAction> onLocalCandidates(List<Candidate> now, long nowMillis) {
        List<TraversalAction> actions = new ArrayList<>();
        LocalCandidates.Change change = started && !closed ? localCandidates.update(now) : LocalCandidates.Change.NONE;
        if (change.isEmpty()) {
            return actions;
        }
        change.report(actions);
        if (client) {
            carryOut(scheduler.onLocalCandidates(localCandidates.all(), nowMillis), nowMillis, actions);
        } else {
            actions.add(new SendControl(responder.onLocalChange(change)));
        }
        return actions;
    }

    /**
     * The messages of one control record from the peer, each as {@link #onMessage}, answered in one record
     * ({@link ControlRecords}): the PUNCH_ME_NOWs of all the pairs its ADD_ADDRESSes made leave together.
     */
    public List<TraversalAction> onRecord(List<TraversalMessage> messages, long nowMillis)
            throws TraversalProtocolException {
        List<TraversalAction> actions = new ArrayList<>();
        for (TraversalMessage message : messages) {
            actions.addAll(onMessage(message, nowMillis));
        }
        return ControlRecords.inOne(actions);
    }

    /**
     * A message from the peer's half of the control stream. One this role may not receive, or a PUNCH_ME_NOW the server
     * must refuse ({@link PunchResponder}), throws: the connection ends with the exception's error. The parameter and
     * OBSERVED_ADDRESS need nothing more; NAT_MAPPING and PORTS_OPEN go to {@link HardNatPunch}.
     */
    public List<TraversalAction> onMessage(TraversalMessage message, long nowMillis)
            throws TraversalProtocolException {
        (client ? TraversalRole.CLIENT : TraversalRole.SERVER).requireReceivable(message);
        message = TraversalMessage.unmapped(message);
        List<TraversalAction> actions = new ArrayList<>();
        if (message instanceof AddAddress add) {
            if (!Candidate.isUsable(add.address())) {
                return actions; // wildcard, multicast, port 0...: never paired (PunchScheduler), so not reported either
            }
            actions.add(new CandidateAdded(false, Candidate.inferred(add.address()).type().token(), add.address()));
            remoteCandidates.put(add.sequence(), add.address());
            carryOut(scheduler.onAddAddress(add, nowMillis), nowMillis, actions);
        } else if (message instanceof RemoveAddress remove) {
            InetSocketAddress gone = remoteCandidates.remove(remove.sequence());
            if (gone != null) {
                actions.add(new CandidateRemoved(false, gone));
            }
            carryOut(scheduler.onRemoveAddress(remove, nowMillis), nowMillis, actions);
        } else if (message instanceof PunchMeNow punch) {
            PunchResponse response = responder.onPunchMeNow(punch);
            response.cancelled().forEach(validations::stop);
            if (response.round() != reportedRound) {
                reportedRound = response.round();
                actions.add(new RoundStarted(response.round(), List.of(punch.address().toString())));
            }
            if (response.startsProbe()) {
                startProbing(response.target(), nowMillis, actions);
            }
        } else if (message instanceof NatMapping mapping) {
            hardNat.onPeerMapping(mapping, nowMillis, actions);
        } else if (message instanceof PortsOpen open) {
            hardNat.onPortsOpen(open, nowMillis, actions);
        }
        return actions;
    }

    /** A probe with this side's session ID and a valid MAC arrived from {@code source}. */
    public List<TraversalAction> onProbe(PathProbe probe, InetSocketAddress source, long nowMillis) {
        List<TraversalAction> actions = new ArrayList<>();
        switch (probe.kind()) {
            case CHALLENGE -> {
                // RFC 9000 section 8.2.2: answer at once, on the path the challenge came from
                actions.add(new AcceptFrom(source));
                actions.add(new SendProbe(probe.answer(peerProbeId), source));
                probePeerReflexive(source, nowMillis, actions);
                // the peer's NAT has just let its probe out toward us, so ours gets in now: do not wait for the next
                // tick (on port-restricted NATs this is what validates this side)
                if (direct == null) {
                    sendChallenge(source, nowMillis, actions);
                }
            }
            case KEEPALIVE -> actions.add(new SendProbe(probe.answer(peerProbeId), source));
            case RESPONSE -> onResponse(probe, nowMillis, actions);
            case KEEPALIVE_ACK -> {
                liveness.answered(nowMillis);
                hardNat.onKeepaliveAck(probe, source, actions).ifPresent(hit -> startProbing(hit, nowMillis, actions));
            }
        }
        return actions;
    }

    /** Whether {@link #onTimer} at {@code nowMillis} checks the direct path and wants its {@link DirectTraffic}. */
    public boolean wantsDirectTraffic(long nowMillis) {
        return !closed && direct != null && nowMillis >= liveness.nextKeepaliveMillis();
    }

    /**
     * Everything due by {@code nowMillis}, earliest first: round deadlines and retries, challenges, the end of
     * peer-reflexive probes, the keepalive. {@code traffic} is read when {@link #wantsDirectTraffic} said so, else null.
     */
    public List<TraversalAction> onTimer(long nowMillis, DirectTraffic traffic) {
        List<TraversalAction> actions = new ArrayList<>();
        for (OptionalLong due = nextDeadlineMillis(); due.isPresent() && due.getAsLong() <= nowMillis;
             due = nextDeadlineMillis()) {
            runDue(due.getAsLong(), nowMillis, traffic, actions);
        }
        return actions;
    }

    /** When {@link #onTimer} next has something to do; empty when nothing is pending or after {@link #close()}. */
    public OptionalLong nextDeadlineMillis() {
        if (closed) {
            return OptionalLong.empty();
        }
        long next = Math.min(validations.nextDeadlineMillis(), hardNat.nextDeadlineMillis());
        if (client && scheduler.nextDeadlineMillis().isPresent()) {
            next = Math.min(next, scheduler.nextDeadlineMillis().getAsLong());
        }
        if (direct != null) {
            next = Math.min(next, liveness.nextKeepaliveMillis());
        }
        return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** The validated direct path, empty while traffic goes through the relay. */
    public Optional<InetSocketAddress> directPath() {
        return Optional.ofNullable(direct);
    }

    /** The addresses being probed now. */
    public Set<InetSocketAddress> probing() {
        return validations.targets();
    }

    /** Stops every probe and timer; probes still arriving are answered. */
    public void close() {
        closed = true;
        validations.stopAll();
        hardNat.close();
    }

    private void runDue(long due, long nowMillis, DirectTraffic traffic, List<TraversalAction> actions) {
        if (hardNat.isDue(due)) {
            hardNat.runDue(nowMillis, actions);
            return;
        }
        if (client && scheduler.nextDeadlineMillis().orElse(Long.MAX_VALUE) == due) {
            onRoundTimer(nowMillis, actions);
            return;
        }
        if (validations.runDue(due, nowMillis, direct != null, actions)) {
            return;
        }
        if (direct == null || liveness.nextKeepaliveMillis() != due) {
            throw new IllegalStateException("nothing is due at " + due);
        }
        keepDirectPathAlive(nowMillis, traffic, actions);
    }

    /** Client: the round's deadline or the backoff's end. */
    private void onRoundTimer(long nowMillis, List<TraversalAction> actions) {
        long round = reportedRound;
        Optional<PunchOrder> order = scheduler.onTimer(nowMillis);
        if (order.isEmpty() && scheduler.currentRound().isEmpty() && round != 0 && direct == null) {
            actions.add(new RoundFinished(round, false, null));
            reportedRound = 0;
            validations.stopAll();
        }
        carryOut(order, nowMillis, actions);
    }

    /** Client: sends the order's PUNCH_ME_NOW frames as one record and probes its pairs at once. */
    private void carryOut(Optional<PunchOrder> order, long nowMillis, List<TraversalAction> actions) {
        if (order.isEmpty()) {
            return;
        }
        PunchOrder punch = order.get();
        if (punch.newRound()) {
            validations.stopAll();
            if (reportedRound != 0) {
                actions.add(new RoundFinished(reportedRound, false, null));
            }
            reportedRound = punch.round().number();
            actions.add(new RoundStarted(punch.round().number(), punch.round().pairs().stream()
                    .map(pair -> pair.local().address() + "->" + pair.remote().address()).toList()));
        }
        if (!punch.messages().isEmpty()) {
            // one record: the peer probes every pair at once
            actions.add(new SendControl(List.copyOf(punch.messages())));
        }
        for (CandidatePair pair : punch.start()) {
            startProbing(pair.remote().address(), nowMillis, actions);
        }
    }

    // ---- probes ----

    private void startProbing(InetSocketAddress target, long nowMillis, List<TraversalAction> actions) {
        if (!closed) {
            validations.start(target, nowMillis, actions);
        }
    }

    private void sendChallenge(InetSocketAddress target, long nowMillis, List<TraversalAction> actions) {
        if (!closed) {
            validations.challenge(target, nowMillis, actions);
        }
    }

    /**
     * A challenge from an address we are not probing is a peer-reflexive candidate (RFC 8445 section 7.3.1.3): the
     * peer's NAT gave its probe a mapping its relay never saw (address-dependent mapping). Our own challenges to that
     * mapping pass the peer's NAT, which has just sent to us from it, and give this side a validated path too.
     */
    private void probePeerReflexive(InetSocketAddress source, long nowMillis, List<TraversalAction> actions) {
        if (direct == null && !closed && !validations.isProbing(source)
                && validations.probingCount() < 2 * CONCURRENCY_LIMIT) {
            actions.add(new CandidateAdded(false, "prflx", source));
            validations.startPeerReflexive(source, nowMillis, actions);
        }
    }

    private void onResponse(PathProbe response, long nowMillis, List<TraversalAction> actions) {
        Optional<PathValidations.Sent> sent = validations.answered(response);
        if (sent.isEmpty() || closed) {
            return;
        }
        InetSocketAddress target = sent.get().target();
        actions.add(new PathValidated(target, nowMillis - sent.get().atMillis()));
        if (direct != null) {
            return;
        }
        validations.finish();
        hardNat.onValidated(target, actions);
        if (client) {
            scheduler.onValidated(target, nowMillis);
        }
        if (reportedRound != 0) {
            actions.add(new RoundFinished(reportedRound, true, target));
        }
        direct = target;
        liveness.start(nowMillis);
        actions.add(new UseDirect(target));
    }

    // ---- the direct path ----

    private void keepDirectPathAlive(long nowMillis, DirectTraffic traffic, List<TraversalAction> actions) {
        long silent = liveness.silentMillis(nowMillis, traffic);
        if (silent > FALLBACK_MILLIS) {
            fallBack("no answer on the direct path for " + silent + " ms", nowMillis, actions);
            return;
        }
        actions.add(new SendProbe(new PathProbe(PathProbe.Kind.KEEPALIVE, peerProbeId, random.nextLong()), direct));
    }

    private void fallBack(String reason, long nowMillis, List<TraversalAction> actions) {
        InetSocketAddress lost = direct;
        direct = null;
        actions.add(new UseRelay(lost, reason));
        reportedRound = 0;
        if (client) {
            scheduler.onPathLost(nowMillis);
        }
        hardNat.onPathLost(nowMillis, actions);
    }
}
