package io.punchline.nat;

import io.punchline.nat.NatMapping.Behaviour;
import io.punchline.nat.TraversalAction.ClosePorts;
import io.punchline.nat.TraversalAction.OpenPorts;
import io.punchline.nat.TraversalAction.ResendPorts;
import io.punchline.nat.TraversalAction.SendControl;
import io.punchline.nat.TraversalAction.SendProbe;
import io.punchline.nat.TraversalAction.SprayFinished;
import io.punchline.nat.TraversalAction.SprayOutcome;
import io.punchline.nat.TraversalAction.SprayRole;
import io.punchline.nat.TraversalAction.SprayStarted;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Punching through a port-dependent ("symmetric") NAT on one side when the other maps endpoint-independently
 * (docs/ARCHITECTURE.md, "Hard NATs"; the birthday-paradox method Tailscale describes). Ordinary candidate pairs
 * cannot open such a pair: the hard side's NAT gives its packets toward the peer a port nobody has seen, and lets in
 * only what comes from the peer's address to that port.
 *
 * <ol>
 *   <li>Each side sends its {@link NatMapping} after the parameter when it knows it.</li>
 *   <li>The hard side, on the easy side's NAT_MAPPING, opens {@value #PORTS} sockets, sends a keepalive probe from each
 *   to the easy side's reflexive address ({@link OpenPorts}), and says so ({@link PortsOpen}).</li>
 *   <li>The easy side, on PORTS_OPEN, probes the hard side's public address at untried ports ({@link PortSpray}) with
 *   keepalive probes carrying one token. A probe that meets one of those mappings passes the hard NAT (it comes from
 *   the very address the mapping was opened toward) and is answered on that socket; the answer passes the easy NAT
 *   (the easy side has just sent to that port). The answering address is then validated like any candidate
 *   ({@link Traversal} challenges it), and the engine sends to the easy side from the socket that heard it.</li>
 *   <li>Both sides {@link NatMapping.Behaviour#SEQUENTIAL}: on the peer's NAT_MAPPING each side opens
 *   {@value PortPrediction#PORTS} sockets, socket {@code i} sending toward the peer's predicted mapping of its own
 *   socket {@code i} ({@link PortPrediction}), says so (PORTS_OPEN), and sends the same keepalive again from every
 *   socket every {@value #RESEND_MILLIS} ms, {@value #RESENDS} times, and once at once on the peer's PORTS_OPEN (its
 *   mappings exist now, so these pass its NAT). A keepalive that meets the matching mapping is answered on that
 *   socket; the answer names the address to validate.</li>
 *   <li>Bounded: at most {@value #MAX_ATTEMPTS} attempts per session (the second only after the first direct path
 *   was lost; with both sides sequential only one, as the NATs' counters are no longer known after it),
 *   {@value #PORTS} sockets held at most {@value #PORTS_HELD_MILLIS} ms, {@value PortSpray#MAX_PROBES} probes of 33
 *   bytes per attempt ({@value PortPrediction#PORTS} sockets and at most {@value PortPrediction#PORTS} x
 *   {@value #RESENDS}{@code  + 2} keepalives with both sequential); both hard and not both sequential, a mapping
 *   unknown, or the peer's reflexive address not public: nothing (the relay carries the session).
 *   Cancelled as soon as any path validates.</li>
 * </ol>
 * No clock, no I/O; not thread-safe (the owning {@link Traversal}'s caller serialises).
 */
final class HardNatPunch {

    static final int PORTS = 256;
    static final long PORTS_HELD_MILLIS = 8_000;
    static final int MAX_ATTEMPTS = 2;
    /** Both sides sequential: the pause between two sends of the keepalive from every side port, and how many. */
    static final long RESEND_MILLIS = 200;
    static final int RESENDS = 12;

    private final long peerProbeId;
    private final boolean client;
    private final RandomGenerator random;
    private NatMapping own;
    private NatMapping peer;
    private int attempts;
    private boolean portsOpen;
    private long portsDeadline = Long.MAX_VALUE;
    private PortSpray spray;
    private long sprayToken;
    private boolean validated;
    /** Both sides sequential: the keepalive every side port sends, while resending. */
    private PathProbe predicted;
    private int predictedPorts;
    private int predictedSent;
    private int resendsLeft;
    private boolean resentOnPortsOpen;
    private long resendAt = Long.MAX_VALUE;

    HardNatPunch(long peerProbeId, boolean client, RandomGenerator random) {
        this.peerProbeId = peerProbeId;
        this.client = client;
        this.random = random;
    }

    /** This side's mapping, to announce after the parameter; empty when unknown. */
    Optional<NatMapping> announce(NatMapping ownMapping) {
        this.own = ownMapping;
        return Optional.ofNullable(ownMapping);
    }

    /** The peer's NAT_MAPPING: the hard side opens its ports now when the peer is easy. */
    void onPeerMapping(NatMapping mapping, long nowMillis, List<TraversalAction> actions) {
        peer = mapping;
        openPortsIfHard(nowMillis, actions);
    }

    /** The peer's PORTS_OPEN: the easy side starts probing; a sequential side sends from its own ports again. */
    void onPortsOpen(PortsOpen open, long nowMillis, List<TraversalAction> actions) {
        if (predicted != null && !resentOnPortsOpen && !validated) {
            resentOnPortsOpen = true; // once: a peer repeating PORTS_OPEN gets nothing more
            resendPredicted(actions);
            return;
        }
        if (validated || spray != null || own == null || peer == null || !isPublic(peer)
                || own.behaviour() != Behaviour.ENDPOINT_INDEPENDENT || !peer.behaviour().isHard()) {
            return;
        }
        spray = new PortSpray(peer, open.ports(), random, nowMillis);
        sprayToken = random.nextLong();
        actions.add(new SprayStarted(SprayRole.PROBES, PortSpray.MAX_PROBES, peer.reflexive().getAddress().getHostAddress()
                + (peer.behaviour() == Behaviour.SEQUENTIAL ? " (sequential from port " + peer.reflexive().getPort() + ")" : "")));
        runDue(nowMillis, actions);
    }

    /**
     * A keepalive answer: the address that answered one of this side's spray probes, to be validated; empty for any
     * other answer.
     */
    Optional<InetSocketAddress> onKeepaliveAck(PathProbe answer, InetSocketAddress source, List<TraversalAction> actions) {
        if (predicted != null && answer.data() == predicted.data()) {
            return Optional.of(source); // validated like any candidate; the sends go on until a path validates
        }
        if (spray == null || answer.data() != sprayToken) {
            return Optional.empty();
        }
        actions.add(new SprayFinished(SprayRole.PROBES, SprayOutcome.HIT, spray.sent(), source));
        spray = null;
        return Optional.of(source);
    }

    /** A path validated: probing stops, and the ports not in use close. */
    void onValidated(InetSocketAddress path, List<TraversalAction> actions) {
        validated = true;
        if (spray != null) {
            actions.add(new SprayFinished(SprayRole.PROBES, SprayOutcome.CANCELLED, spray.sent(), null));
            spray = null;
        }
        if (portsOpen) {
            actions.add(new ClosePorts(true));
            actions.add(predicted != null ? new SprayFinished(SprayRole.PREDICTED, SprayOutcome.HIT, predictedSent, path)
                    : new SprayFinished(SprayRole.PORTS, SprayOutcome.HIT, PORTS, path));
            closePorts();
        }
    }

    /** The direct path was lost: one more attempt may run (the hard side opens ports again at once). */
    void onPathLost(long nowMillis, List<TraversalAction> actions) {
        validated = false;
        openPortsIfHard(nowMillis, actions);
    }

    long nextDeadlineMillis() {
        long next = Math.min(portsDeadline, resendAt);
        if (spray != null) {
            next = Math.min(next, spray.nextDeadlineMillis());
        }
        return next;
    }

    /** Whether something here is due at {@code due}. */
    boolean isDue(long due) {
        return due == portsDeadline || due == resendAt || (spray != null && spray.nextDeadlineMillis() == due);
    }

    /** The spray's next probes, the end of an attempt that found nothing. */
    void runDue(long nowMillis, List<TraversalAction> actions) {
        if (predicted != null && nowMillis >= resendAt) {
            resendsLeft--;
            resendAt = resendsLeft > 0 ? nowMillis + RESEND_MILLIS : Long.MAX_VALUE;
            resendPredicted(actions);
        }
        if (portsOpen && nowMillis >= portsDeadline) {
            actions.add(new ClosePorts(false));
            actions.add(predicted != null ? new SprayFinished(SprayRole.PREDICTED, SprayOutcome.EXHAUSTED, predictedSent, null)
                    : new SprayFinished(SprayRole.PORTS, SprayOutcome.EXHAUSTED, PORTS, null));
            closePorts();
        }
        if (spray == null) {
            return;
        }
        for (InetSocketAddress target : spray.due(nowMillis)) {
            actions.add(new SendProbe(new PathProbe(PathProbe.Kind.KEEPALIVE, peerProbeId, sprayToken), target));
        }
        if (spray.done()) {
            actions.add(new SprayFinished(SprayRole.PROBES, SprayOutcome.EXHAUSTED, spray.sent(), null));
            spray = null;
        }
    }

    /** Stops probing; the engine closes the ports with the session. */
    void close() {
        spray = null;
        closePorts();
    }

    private void closePorts() {
        portsOpen = false;
        portsDeadline = Long.MAX_VALUE;
        predicted = null;
        resendAt = Long.MAX_VALUE;
    }

    /**
     * Ports are opened toward, and probes sent to, a public address only: a peer claiming a private, loopback or
     * link-local reflexive address gets nothing (it would have this engine probe its own machine or LAN).
     */
    private static boolean isPublic(NatMapping mapping) {
        return AddressScope.of(mapping.reflexive().getAddress()) == AddressScope.PUBLIC;
    }

    /**
     * Opens the ports, once both mappings are known (and not yet open): when this side is hard and the peer easy, or
     * both allocate in sequence.
     */
    void openPortsIfHard(long nowMillis, List<TraversalAction> actions) {
        if (validated || portsOpen || attempts >= MAX_ATTEMPTS || own == null || peer == null || !isPublic(peer)) {
            return;
        }
        if (PortPrediction.applies(own, peer)) {
            openPredicted(nowMillis, actions);
            return;
        }
        if (!own.behaviour().isHard() || peer.behaviour() != Behaviour.ENDPOINT_INDEPENDENT) {
            return;
        }
        attempts++;
        portsOpen = true;
        portsDeadline = nowMillis + PORTS_HELD_MILLIS;
        PathProbe opener = new PathProbe(PathProbe.Kind.KEEPALIVE, peerProbeId, random.nextLong());
        actions.add(OpenPorts.toward(PORTS, peer.reflexive(), opener));
        actions.add(new SendControl(List.of(new PortsOpen(PORTS))));
        actions.add(new SprayStarted(SprayRole.PORTS, PORTS, peer.reflexive().toString()));
    }

    /** Both sides sequential: the side ports toward the peer's predicted ones, one attempt per session. */
    private void openPredicted(long nowMillis, List<TraversalAction> actions) {
        List<InetSocketAddress> targets = PortPrediction.targets(peer, client);
        if (attempts > 0 || targets.isEmpty()) {
            return;
        }
        attempts++;
        portsOpen = true;
        portsDeadline = nowMillis + PORTS_HELD_MILLIS;
        predicted = new PathProbe(PathProbe.Kind.KEEPALIVE, peerProbeId, random.nextLong());
        predictedPorts = targets.size();
        predictedSent = predictedPorts;
        resendsLeft = RESENDS;
        resendAt = nowMillis + RESEND_MILLIS;
        actions.add(new OpenPorts(targets, predicted));
        actions.add(new SendControl(List.of(new PortsOpen(predictedPorts))));
        actions.add(new SprayStarted(SprayRole.PREDICTED, predictedPorts, PortPrediction.describe(targets, peer)));
    }

    private void resendPredicted(List<TraversalAction> actions) {
        actions.add(new ResendPorts(predicted));
        predictedSent += predictedPorts;
    }
}
