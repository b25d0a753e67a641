package io.punchline.nat;

import java.util.List;

/**
 * What the client must do now, produced by {@link PunchScheduler}: send PUNCH_ME_NOW for {@code start} under
 * {@code round.number()} and at once begin path probes from its socket to each of those pairs' remote addresses
 * (draft-seemann-quic-nat-traversal-02, "the client SHOULD immediately start path validation").
 *
 * @param round the round now in progress, including pairs started earlier in it
 * @param start the pairs to start now
 * @param newRound whether {@code round} replaces the previous round, whose probes stop (its pairs not in {@code start}
 *     are cancelled)
 */
public record PunchOrder(PunchRound round, List<CandidatePair> start, boolean newRound) {

    public PunchOrder {
        start = List.copyOf(start);
    }

    /** The frames to send, in order. */
    public List<PunchMeNow> messages() {
        return start.stream().map(p -> p.punchMeNow(round.number())).toList();
    }
}
