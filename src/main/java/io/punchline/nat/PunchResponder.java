package io.punchline.nat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's side of draft-seemann-quic-nat-traversal-02: it numbers the addresses it advertises (ADD_ADDRESS,
 * REMOVE_ADDRESS) and answers each PUNCH_ME_NOW by naming the client address to probe ("the server SHOULD immediately
 * start path validation" toward the address in the frame), per round.
 *
 * <p>Rules where the draft is silent or leaves the choice to the server:
 * <ul>
 *   <li>Sequence numbers of advertisements start at 0 and are never reused.</li>
 *   <li>A PUNCH_ME_NOW naming a sequence number never advertised is a PROTOCOL_VIOLATION: the client cannot have
 *       learnt it. One naming a withdrawn address is still answered (the REMOVE_ADDRESS may have crossed it), since the
 *       server probes from its one socket whichever of its addresses was paired.</li>
 *   <li>More PUNCH_ME_NOW frames in one round than the concurrency limit break the client's "MUST NOT" and are a
 *       PROTOCOL_VIOLATION; the excess frame is not probed, which also bounds the traffic a client can aim.</li>
 *   <li>A lower Round than the current one is stale and ignored; Round 0 is accepted like any other.</li>
 * </ul>
 * How long each probe runs and the anti-amplification limit are the path layer's business. Not thread-safe.
 */
public final class PunchResponder {

    private final long concurrencyLimit;
    private final Map<Long, InetSocketAddress> advertised = new LinkedHashMap<>();
    private long nextSequence;
    private long round = -1;
    private int framesInRound;
    private final Set<InetSocketAddress> targets = new LinkedHashSet<>();

    /** @param concurrencyLimit the value this server sends in its {@code nat_traversal} transport parameter */
    public PunchResponder(long concurrencyLimit) {
        if (concurrencyLimit < 1) {
            throw new IllegalArgumentException("the concurrency limit must be at least 1, not " + concurrencyLimit);
        }
        this.concurrencyLimit = concurrencyLimit;
    }

    public long concurrencyLimit() {
        return concurrencyLimit;
    }

    /**
     * The ADD_ADDRESS advertising {@code address}: a new sequence number the first time, the same frame again while the
     * address stays advertised (the draft asks for retransmission until it is acknowledged or removed).
     */
    public AddAddress advertise(InetSocketAddress address) {
        for (Map.Entry<Long, InetSocketAddress> e : advertised.entrySet()) {
            if (e.getValue().equals(address)) {
                return new AddAddress(e.getKey(), address);
            }
        }
        AddAddress frame = new AddAddress(nextSequence++, address);
        advertised.put(frame.sequence(), address);
        return frame;
    }

    /** The server's candidates changed: REMOVE_ADDRESS for those gone (if advertised), then ADD_ADDRESS for the new. */
    List<TraversalMessage> onLocalChange(LocalCandidates.Change change) {
        List<TraversalMessage> messages = new ArrayList<>();
        for (Candidate candidate : change.gone()) {
            withdraw(candidate.address()).ifPresent(messages::add);
        }
        for (Candidate candidate : change.added()) {
            messages.add(advertise(candidate.address()));
        }
        return messages;
    }

    /** The REMOVE_ADDRESS withdrawing {@code address}, or nothing when it is not advertised. */
    public Optional<RemoveAddress> withdraw(InetSocketAddress address) {
        for (Map.Entry<Long, InetSocketAddress> e : advertised.entrySet()) {
            if (e.getValue().equals(address)) {
                advertised.remove(e.getKey());
                return Optional.of(new RemoveAddress(e.getKey()));
            }
        }
        return Optional.empty();
    }

    /** Addresses currently advertised, by sequence number. */
    public Map<Long, InetSocketAddress> advertised() {
        return Map.copyOf(advertised);
    }

    /** The round being probed, -1 before the first PUNCH_ME_NOW. */
    public long currentRound() {
        return round;
    }

    /** The client addresses the current round probes. */
    public List<InetSocketAddress> activeTargets() {
        return List.copyOf(targets);
    }

    public PunchResponse onPunchMeNow(PunchMeNow frame) throws TraversalProtocolException {
        if (frame.pairedWithSequence() >= nextSequence) {
            throw TraversalProtocolException.violation("PUNCH_ME_NOW pairs with sequence number "
                    + frame.pairedWithSequence() + ", which was never advertised");
        }
        if (frame.round() < round) {
            return new PunchResponse(PunchResponse.Outcome.STALE_ROUND, frame.round(), frame.address(), List.of());
        }
        List<InetSocketAddress> cancelled = List.of();
        if (frame.round() > round) {
            cancelled = new ArrayList<>(targets);
            targets.clear();
            round = frame.round();
            framesInRound = 0;
        }
        if (++framesInRound > concurrencyLimit) {
            throw TraversalProtocolException.violation("PUNCH_ME_NOW number " + framesInRound + " in round " + round
                    + " exceeds the concurrency limit of " + concurrencyLimit);
        }
        PunchResponse.Outcome outcome;
        if (!Candidate.isUsable(frame.address())) {
            outcome = PunchResponse.Outcome.UNUSABLE_TARGET;
        } else if (!targets.add(frame.address())) {
            outcome = PunchResponse.Outcome.ALREADY_PROBING;
        } else {
            outcome = PunchResponse.Outcome.PROBE;
        }
        return new PunchResponse(outcome, round, frame.address(), cancelled);
    }
}
