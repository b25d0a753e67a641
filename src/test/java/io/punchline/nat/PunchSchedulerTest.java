package io.punchline.nat;

import static io.punchline.nat.Addresses.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.punchline.nat.Candidate.Type;
import io.punchline.nat.PunchScheduler.PairState;
import io.punchline.nat.PunchScheduler.Settings;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * draft-seemann-quic-nat-traversal-02 "Probing Rounds" on the client, with a fake clock. Pairs of the fixture, best
 * first: P1 host/host in 192.168/16, then host/srflx toward R0 and R2, then srflx/srflx toward R0 and R2.
 */
class PunchSchedulerTest {

    static final InetSocketAddress L_SRFLX = address("198.51.100.20", 40000);
    static final InetSocketAddress L_HOST = address("192.168.1.10", 5000);
    static final InetSocketAddress R0 = address("203.0.113.50", 41000);
    static final InetSocketAddress R1 = address("192.168.1.20", 6000);
    static final InetSocketAddress R2 = address("203.0.113.60", 42000);

    static final List<Candidate> LOCAL = List.of(Candidate.of(Type.SERVER_REFLEXIVE, L_SRFLX),
            Candidate.of(Type.HOST, L_HOST));

    static final Settings SETTINGS = new Settings(3_000, 5_000, 60_000, 100);

    private static PunchScheduler scheduler(int limit) {
        return new PunchScheduler(limit, SETTINGS, Set.of());
    }

    /** Remote candidates first (no pairs yet, nothing to do), then local ones at t = 0: round 1 starts. */
    private static PunchOrder started(PunchScheduler s) {
        assertThat(s.onAddAddress(new AddAddress(0, R0), 0)).isEmpty();
        assertThat(s.onAddAddress(new AddAddress(1, R1), 0)).isEmpty();
        assertThat(s.onAddAddress(new AddAddress(2, R2), 0)).isEmpty();
        return s.onLocalCandidates(LOCAL, 0).orElseThrow();
    }

    private static List<PunchMeNow> messages(Optional<PunchOrder> order) {
        return order.orElseThrow().messages();
    }

    @Test
    void firstRoundIsNumberedOneAndHonoursTheConcurrencyLimit() {
        PunchScheduler s = scheduler(2);
        PunchOrder order = started(s);
        assertThat(order.newRound()).isTrue();
        assertThat(order.round().number()).isEqualTo(1);
        assertThat(order.messages()).containsExactly(new PunchMeNow(1, 1, L_HOST), new PunchMeNow(1, 0, L_HOST));
        assertThat(s.pairs()).extracting(PunchScheduler.PairStatus::state).containsExactly(
                PairState.PUNCHING, PairState.PUNCHING, PairState.NEW, PairState.NEW, PairState.NEW);
        assertThat(s.nextDeadlineMillis()).hasValue(3_000);
    }

    @Test
    void roundWithoutValidationFailsItsPairsAndTheNextRoundTakesTheNextPairs() {
        PunchScheduler s = scheduler(2);
        started(s);
        assertThat(s.onTimer(2_999)).isEmpty();
        assertThat(messages(s.onTimer(3_000)))
                .containsExactly(new PunchMeNow(2, 2, L_HOST), new PunchMeNow(2, 0, L_SRFLX));
        assertThat(s.pairs().subList(0, 2)).allSatisfy(p -> {
            assertThat(p.state()).isEqualTo(PairState.FAILED);
            assertThat(p.sinceMillis()).isEqualTo(3_000);
        });
        assertThat(messages(s.onTimer(6_000))).containsExactly(new PunchMeNow(3, 2, L_SRFLX));
    }

    @Test
    void whenAllPairsFailedEveryPairIsRetriedAfterADoublingBackoff() {
        PunchScheduler s = scheduler(2);
        started(s);
        long now = 0;
        List<Long> retries = new java.util.ArrayList<>();
        long round = 1;
        for (int cycle = 0; cycle < 6; cycle++) {
            // three rounds of 3 s exhaust the five pairs
            for (int r = 0; r < 2; r++) {
                now += 3_000;
                assertThat(s.onTimer(now).orElseThrow().round().number()).isEqualTo(++round);
            }
            now += 3_000;
            assertThat(s.onTimer(now)).isEmpty();
            assertThat(s.pairs()).allMatch(p -> p.state() == PairState.FAILED);
            long retryAt = s.nextDeadlineMillis().orElseThrow();
            retries.add(retryAt - now);
            assertThat(s.onTimer(retryAt - 1)).isEmpty();
            now = retryAt;
            PunchOrder retry = s.onTimer(now).orElseThrow();
            assertThat(retry.round().number()).isEqualTo(++round);
            assertThat(retry.messages()).containsExactly(new PunchMeNow(round, 1, L_HOST),
                    new PunchMeNow(round, 0, L_HOST));
        }
        assertThat(retries).containsExactly(5_000L, 10_000L, 20_000L, 40_000L, 60_000L, 60_000L);
    }

    @Test
    void newCandidateJoinsTheRunningRoundWhileItHasRoom() {
        PunchScheduler s = scheduler(3);
        s.onLocalCandidates(LOCAL, 0);
        PunchOrder first = s.onAddAddress(new AddAddress(0, R0), 0).orElseThrow();
        assertThat(first.messages()).containsExactly(new PunchMeNow(1, 0, L_HOST), new PunchMeNow(1, 0, L_SRFLX));
        PunchOrder joined = s.onAddAddress(new AddAddress(1, R1), 1_000).orElseThrow();
        assertThat(joined.newRound()).isFalse();
        assertThat(joined.messages()).containsExactly(new PunchMeNow(1, 1, L_HOST));
        assertThat(joined.round().pairs()).hasSize(3);
        assertThat(joined.round().deadlineMillis()).isEqualTo(4_000);
        // full now: host/srflx toward R2 outranks the running srflx/srflx pair, so a new round takes the best three
        PunchOrder replaced = s.onAddAddress(new AddAddress(2, R2), 1_500).orElseThrow();
        assertThat(replaced.newRound()).isTrue();
        assertThat(replaced.messages()).containsExactly(new PunchMeNow(2, 1, L_HOST), new PunchMeNow(2, 0, L_HOST),
                new PunchMeNow(2, 2, L_HOST));
        // a pair no better than the weakest running one waits for the next round
        assertThat(s.onAddAddress(new AddAddress(3, address("203.0.113.70", 1)), 1_600)).isEmpty();
        assertThat(s.currentRound().orElseThrow().number()).isEqualTo(2);
    }

    @Test
    void betterCandidateStartsANewRoundThatCancelsTheOldOne() {
        PunchScheduler s = scheduler(2);
        started(s);
        InetSocketAddress r3 = address("192.168.1.30", 6000);
        PunchOrder order = s.onAddAddress(new AddAddress(3, r3), 500).orElseThrow();
        assertThat(order.newRound()).isTrue();
        assertThat(order.round().number()).isEqualTo(2);
        // both host/host pairs, sent again under the new Round: the server cancelled round 1's probes
        assertThat(order.messages()).containsExactly(new PunchMeNow(2, 1, L_HOST), new PunchMeNow(2, 3, L_HOST));
        // the host/srflx pair of round 1 was cancelled, not failed
        CandidatePair cancelled = s.pairs().stream().filter(p -> p.pair().remote().address().equals(R0)
                && p.pair().local().address().equals(L_HOST)).findFirst().orElseThrow().pair();
        assertThat(s.state(cancelled)).isEqualTo(PairState.NEW);
        assertThat(s.nextDeadlineMillis()).hasValue(3_500);
    }

    @Test
    void retransmittedAddAddressChangesNothing() {
        PunchScheduler s = scheduler(2);
        started(s);
        assertThat(s.onAddAddress(new AddAddress(1, R1), 100)).isEmpty();
        assertThat(s.currentRound().orElseThrow().number()).isEqualTo(1);
    }

    @Test
    void removedCandidateLeavesARoundThatCannotBeRefilledSoANewRoundStarts() {
        PunchScheduler s = scheduler(2);
        started(s);
        // round 1 already sent two frames; refilling it would be a third, over the limit
        PunchOrder order = s.onRemoveAddress(new RemoveAddress(1), 200).orElseThrow();
        assertThat(order.newRound()).isTrue();
        assertThat(order.messages()).containsExactly(new PunchMeNow(2, 0, L_HOST), new PunchMeNow(2, 2, L_HOST));
        assertThat(s.pairs()).hasSize(4).noneMatch(p -> p.pair().remote().address().equals(R1));
    }

    @Test
    void removingAnUnknownSequenceNumberIsIgnored() {
        PunchScheduler s = scheduler(2);
        started(s);
        assertThat(s.onRemoveAddress(new RemoveAddress(42), 10)).isEmpty();
    }

    @Test
    void validatedPairEndsTraversal() {
        PunchScheduler s = scheduler(2);
        started(s);
        CandidatePair pair = s.onValidated(R0, 1_200).orElseThrow();
        assertThat(pair.local().address()).isEqualTo(L_HOST);
        assertThat(pair.remote().address()).isEqualTo(R0);
        assertThat(s.state(pair)).isEqualTo(PairState.VALIDATED);
        assertThat(s.validatedPair()).contains(pair);
        assertThat(s.currentRound()).isEmpty();
        assertThat(s.nextDeadlineMillis()).isEmpty();
        assertThat(s.onTimer(10_000)).isEmpty();
        assertThat(s.onAddAddress(new AddAddress(3, address("192.168.1.30", 6000)), 10_000)).isEmpty();
    }

    @Test
    void lateAnswerStillValidatesAFailedPair() {
        PunchScheduler s = scheduler(2);
        started(s);
        s.onTimer(3_000);
        CandidatePair pair = s.onValidated(R1, 3_100).orElseThrow();
        assertThat(pair.remote().address()).isEqualTo(R1);
        assertThat(s.state(pair)).isEqualTo(PairState.VALIDATED);
    }

    @Test
    void answerFromAnUnknownAddressValidatesNothing() {
        PunchScheduler s = scheduler(2);
        started(s);
        assertThat(s.onValidated(address("203.0.113.99", 1), 100)).isEmpty();
        assertThat(s.currentRound()).isPresent();
    }

    @Test
    void lostPathRetriesEverythingAfterTheInitialBackoff() {
        PunchScheduler s = scheduler(2);
        started(s);
        s.onValidated(R1, 1_000);
        s.onPathLost(50_000);
        assertThat(s.validatedPair()).isEmpty();
        assertThat(s.nextDeadlineMillis()).hasValue(55_000);
        assertThat(messages(s.onTimer(55_000))).containsExactly(new PunchMeNow(2, 1, L_HOST),
                new PunchMeNow(2, 0, L_HOST));
    }

    @Test
    void newPairDoesNotWaitForTheBackoff() {
        PunchScheduler s = scheduler(2);
        started(s);
        s.onTimer(3_000);
        s.onTimer(6_000);
        s.onTimer(9_000);
        assertThat(s.nextDeadlineMillis()).hasValue(14_000);
        PunchOrder order = s.onAddAddress(new AddAddress(3, address("203.0.113.70", 1)), 9_500).orElseThrow();
        assertThat(order.round().number()).isEqualTo(4);
        assertThat(order.messages()).containsExactly(new PunchMeNow(4, 3, L_HOST), new PunchMeNow(4, 3, L_SRFLX));
    }

    @Test
    void peerRelayAddressIsNeverPunched() {
        PunchScheduler s = new PunchScheduler(4, SETTINGS, Set.of(R0));
        s.onLocalCandidates(LOCAL, 0);
        assertThat(s.onAddAddress(new AddAddress(0, R0), 0)).isEmpty();
        assertThat(s.pairs()).isEmpty();
    }

    @Test
    void unusableAdvertisedAddressIsIgnored() {
        PunchScheduler s = scheduler(2);
        s.onLocalCandidates(LOCAL, 0);
        assertThat(s.onAddAddress(new AddAddress(0, address("0.0.0.0", 1)), 0)).isEmpty();
        assertThat(s.onAddAddress(new AddAddress(1, address("203.0.113.5", 0)), 0)).isEmpty();
        assertThat(s.pairs()).isEmpty();
    }
}
