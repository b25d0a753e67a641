package io.punchline.nat;

import java.util.List;

/**
 * One probing round of draft-seemann-quic-nat-traversal-02, section "Probing Rounds": the pairs the client sent
 * PUNCH_ME_NOW for under one Round number. "The client MUST NOT send more PUNCH_ME_NOW frames [in a round] than the
 * concurrency limit"; a higher Round "immediately cancels all in-progress probes" of the previous one. Immutable: when
 * the scheduler adds pairs to a round that has room, it replaces the round with a longer one of the same number.
 *
 * @param deadlineMillis when the round fails if no pair has been validated (caller's clock)
 */
public record PunchRound(long number, List<CandidatePair> pairs, long startedAtMillis, long deadlineMillis) {

    public PunchRound {
        if (number < 1) {
            throw new IllegalArgumentException("rounds are numbered from 1, not " + number);
        }
        pairs = List.copyOf(pairs);
    }

    /** PUNCH_ME_NOW for every pair of the round. */
    public List<PunchMeNow> punchMeNow() {
        return pairs.stream().map(p -> p.punchMeNow(number)).toList();
    }
}
