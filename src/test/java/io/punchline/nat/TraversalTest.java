package io.punchline.nat;

import io.punchline.nat.Candidate.Type;
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
import io.punchline.wire.QuicVarint;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static io.punchline.nat.Addresses.address;
import static io.punchline.nat.TraversalScript.advance;
import static io.punchline.nat.TraversalScript.challengeTargets;
import static io.punchline.nat.TraversalScript.challengeTo;
import static io.punchline.nat.TraversalScript.of;
import static io.punchline.nat.TraversalScript.punchMeNow;
import static io.punchline.nat.TraversalScript.silence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Traversal} on a fake clock: draft-seemann-quic-nat-traversal-02's rounds, RFC 9000 section 8.2 path
 * validation with {@link PathProbe}s, the switch to the direct path, its liveness, the fallback to the relay and the
 * retry, for both roles. The client has one server-reflexive candidate C; the server advertises six public addresses
 * S0..S5 (sequence numbers 0..5), which pair with C at equal priority, so they run in sequence order.
 */
class TraversalTest {

    static final long CLIENT_PROBE_ID = 0x1111;
    static final long SERVER_PROBE_ID = 0x2222;
    static final InetSocketAddress C = address("198.51.100.20", 40000);
    static final InetSocketAddress C_RELAY = address("192.0.2.1", 30002);
    static final InetSocketAddress S_RELAY = address("192.0.2.1", 30001);
    static final List<InetSocketAddress> S = IntStream.range(0, 6)
            .mapToObj(i -> address("203.0.113." + (50 + i), 41000 + i)).toList();
    static final long LIMIT = Traversal.CONCURRENCY_LIMIT;

    private final Traversal client = new Traversal(TraversalRole.CLIENT, SERVER_PROBE_ID, S_RELAY, Set.of(C_RELAY),
            new Random(1));
    private final Traversal server = new Traversal(TraversalRole.SERVER, CLIENT_PROBE_ID, C_RELAY, Set.of(S_RELAY),
            new Random(2));

    // ---- the first control records ----

    @Test
    void theServersFirstControlRecordCarriesItsConcurrencyLimitAndEveryCandidate() {
        List<TraversalAction> actions = server.start(serverCandidates(), 0);
        List<TraversalMessage> expected = new ArrayList<>();
        expected.add(NatTraversalParameter.fromServer(LIMIT));
        for (int i = 0; i < S.size(); i++) {
            expected.add(new AddAddress(i, S.get(i)));
        }
        assertThat(of(actions, SendControl.class)).containsExactly(new SendControl(expected));
    }

    @Test
    void startReportsOwnCandidatesThenOwnRelayedOnesThenThePeersRelayedOne() {
        List<TraversalAction> actions = client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, C)), 0);
        assertThat(actions).containsExactly(
                new CandidateAdded(true, "srflx", C),
                new CandidateAdded(true, "relay", C_RELAY),
                new CandidateAdded(false, "relay", S_RELAY),
                new SendControl(List.of(NatTraversalParameter.fromClient())));
        assertThat(client.nextDeadlineMillis()).isEmpty();
    }

    @Test
    void aRecordOfCandidatesIsAnsweredByOneRecordWithThePunchMeNowOfEveryPair() throws Exception {
        client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, C)), 0);
        // the server's first record: each ADD_ADDRESS alone would start or grow the round, one record each
        List<TraversalMessage> record = new ArrayList<>(List.of(NatTraversalParameter.fromServer(LIMIT)));
        for (int i = 0; i < 3; i++) {
            record.add(new AddAddress(i, S.get(i)));
        }
        List<TraversalAction> actions = client.onRecord(record, 5);

        List<SendControl> sent = of(actions, SendControl.class);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).messages()).hasSize(3).allMatch(PunchMeNow.class::isInstance);
        assertThat(sent.get(0).messages().stream().map(m -> ((PunchMeNow) m).pairedWithSequence()).toList())
                .containsExactly(0L, 1L, 2L);
        // before the probes of the pairs it names, as each PUNCH_ME_NOW was
        assertThat(actions.indexOf(sent.get(0))).isLessThan(actions.indexOf(of(actions, SendProbe.class).get(0)));
        assertThat(challengeTargets(actions)).containsExactlyInAnyOrder(S.get(0), S.get(1), S.get(2));
    }

    @Test
    void oneControlRecordKeepsEveryOtherActionInOrder() {
        SendControl first = new SendControl(List.of(NatTraversalParameter.fromClient()));
        SendControl second = new SendControl(List.of(new AddAddress(7, S.get(0))));
        TraversalAction added = new CandidateAdded(false, "srflx", S.get(1));
        TraversalAction removed = new CandidateRemoved(false, S.get(2));
        assertThat(ControlRecords.inOne(List.of(added, first, removed, second))).containsExactly(added,
                new SendControl(List.of(NatTraversalParameter.fromClient(), new AddAddress(7, S.get(0)))), removed);
        assertThat(ControlRecords.inOne(List.of(added, first))).containsExactly(added, first);
    }

    // ---- rounds ----

    @Test
    void theClientPunchesAtMostTheConcurrencyLimitOfPairsPerRoundAndProbesEachAtOnce() {
        List<TraversalAction> actions = connect();
        assertThat(of(actions, RoundStarted.class)).containsExactly(new RoundStarted(1, List.of(pair(0))));
        assertThat(punchMeNow(actions)).containsExactly(new PunchMeNow(1, 0, C), new PunchMeNow(1, 1, C),
                new PunchMeNow(1, 2, C), new PunchMeNow(1, 3, C));
        assertThat(challengeTargets(actions)).containsExactly(S.get(0), S.get(1), S.get(2), S.get(3));
        assertThat(client.probing()).containsExactlyInAnyOrderElementsOf(S.subList(0, 4));
        assertThat(client.nextDeadlineMillis()).hasValue(Traversal.CHALLENGE_INTERVAL_MILLIS);
    }

    @Test
    void everyProbedAddressIsChallengedEveryHundredMillisecondsWithFreshData() {
        connect();
        assertThat(advance(client, 99, null)).isEmpty();
        List<TraversalAction> ticks = advance(client, 1_000, null);
        assertThat(ticks).allSatisfy(a -> assertThat(a).isInstanceOf(SendProbe.class));
        assertThat(challengeTargets(ticks)).hasSize(10 * 4).containsOnly(S.get(0), S.get(1), S.get(2), S.get(3));
        assertThat(of(ticks, SendProbe.class)).extracting(p -> p.probe().data()).doesNotHaveDuplicates();
        assertThat(of(ticks, SendProbe.class)).extracting(p -> p.probe().sessionId()).containsOnly(SERVER_PROBE_ID);
    }

    @Test
    void aRoundWithoutValidationFailsAtItsDeadlineAndTheNextRoundTakesTheNextPairs() {
        connect();
        assertThat(of(advance(client, 2_999, null), SendControl.class)).isEmpty();
        List<TraversalAction> actions = advance(client, 3_000, null);
        assertThat(actions).containsExactly(
                new RoundFinished(1, false, null),
                new RoundStarted(2, List.of(pair(4), pair(5))),
                new SendControl(List.of(new PunchMeNow(2, 4, C), new PunchMeNow(2, 5, C))),
                actions.get(3), actions.get(4));
        assertThat(challengeTargets(actions)).containsExactly(S.get(4), S.get(5));
        assertThat(client.probing()).containsExactlyInAnyOrder(S.get(4), S.get(5));
    }

    @Test
    void removeAddressWithdrawsTheCandidateAndARoundLeftShortStartsAgainWithoutIt() throws Exception {
        connect();
        List<TraversalAction> actions = client.onMessage(new RemoveAddress(1), 500);
        assertThat(actions.get(0)).isEqualTo(new CandidateRemoved(false, S.get(1)));
        assertThat(actions).contains(new RoundFinished(1, false, null));
        assertThat(punchMeNow(actions)).containsExactly(new PunchMeNow(2, 0, C), new PunchMeNow(2, 2, C),
                new PunchMeNow(2, 3, C), new PunchMeNow(2, 4, C));
        assertThat(client.probing()).containsExactlyInAnyOrder(S.get(0), S.get(2), S.get(3), S.get(4));
    }

    // ---- validation and switch ----

    @Test
    void theFirstAnsweredChallengeSwitchesTrafficToItsPathAndEndsTheRound() {
        List<TraversalAction> started = connect();
        PathProbe challenge = challengeTo(started, S.get(2));
        List<TraversalAction> actions = client.onProbe(challenge.answer(CLIENT_PROBE_ID), S.get(2), 40);
        assertThat(actions).containsExactly(
                new PathValidated(S.get(2), 40),
                new RoundFinished(1, true, S.get(2)),
                new UseDirect(S.get(2)));
        assertThat(client.directPath()).contains(S.get(2));
        assertThat(client.probing()).isEmpty();
        assertThat(client.nextDeadlineMillis()).hasValue(40 + Traversal.KEEPALIVE_MILLIS);
    }

    @Test
    void aChallengeIsAnsweredOnItsPathAndAnsweredAtOnceByAChallengeOfOurs() throws Exception {
        server.start(serverCandidates(), 0);
        List<TraversalAction> punched = server.onMessage(new PunchMeNow(1, 0, C), 0);
        assertThat(challengeTargets(punched)).containsExactly(C);
        PathProbe theirs = new PathProbe(PathProbe.Kind.CHALLENGE, SERVER_PROBE_ID, 77);
        List<TraversalAction> actions = server.onProbe(theirs, C, 30);
        assertThat(actions).hasSize(3);
        assertThat(actions.get(0)).isEqualTo(new AcceptFrom(C));
        assertThat(actions.get(1))
                .isEqualTo(new SendProbe(new PathProbe(PathProbe.Kind.RESPONSE, CLIENT_PROBE_ID, 77), C));
        assertThat(challengeTargets(actions.subList(2, 3))).containsExactly(C);
    }

    @Test
    void aChallengeFromAnAddressNotProbedIsAPeerReflexiveCandidateProbedForThreeSeconds() throws Exception {
        server.start(serverCandidates(), 0);
        server.onMessage(new PunchMeNow(1, 0, C), 0);
        InetSocketAddress mapped = address("198.51.100.20", 40999);
        List<TraversalAction> actions = server.onProbe(new PathProbe(PathProbe.Kind.CHALLENGE, SERVER_PROBE_ID, 5),
                mapped, 0);
        assertThat(actions.subList(0, 3)).containsExactly(new AcceptFrom(mapped),
                new SendProbe(new PathProbe(PathProbe.Kind.RESPONSE, CLIENT_PROBE_ID, 5), mapped),
                new CandidateAdded(false, "prflx", mapped));
        assertThat(challengeTargets(actions)).containsExactly(mapped, mapped);
        assertThat(server.probing()).contains(mapped);
        advance(server, Traversal.PEER_REFLEXIVE_PROBE_MILLIS - 1, null);
        assertThat(server.probing()).contains(mapped);
        advance(server, Traversal.PEER_REFLEXIVE_PROBE_MILLIS, null);
        assertThat(server.probing()).containsExactly(C);
    }

    @Test
    void anAnswerToNoChallengeOfOursChangesNothing() {
        List<TraversalAction> started = connect();
        assertThat(client.onProbe(new PathProbe(PathProbe.Kind.RESPONSE, CLIENT_PROBE_ID, 12345), S.get(0), 10))
                .isEmpty();
        PathProbe answer = challengeTo(started, S.get(0)).answer(CLIENT_PROBE_ID);
        client.onProbe(answer, S.get(0), 20);
        assertThat(client.onProbe(answer, S.get(0), 30)).isEmpty(); // one answer per challenge
        assertThat(client.directPath()).contains(S.get(0));
    }

    // ---- liveness, fallback, retry ----

    @Test
    void theDirectPathFallsBackToTheRelayAfterTwoSecondsWithoutAnswerOrTraffic() {
        switchedTo(S.get(2), 40);
        List<TraversalAction> actions = advance(client, 40 + Traversal.FALLBACK_MILLIS, now -> silence());
        assertThat(actions).hasSize(8).allSatisfy(a -> assertThat(((SendProbe) a).probe().kind())
                .isEqualTo(PathProbe.Kind.KEEPALIVE));
        assertThat(advance(client, 40 + Traversal.FALLBACK_MILLIS + Traversal.KEEPALIVE_MILLIS, now -> silence()))
                .containsExactly(new UseRelay(S.get(2), "no answer on the direct path for 2250 ms"));
        assertThat(client.directPath()).isEmpty();
    }

    @Test
    void answeredKeepalivesKeepTheDirectPathAlive() {
        switchedTo(S.get(2), 40);
        for (long now = 290; now <= 10_000; now += Traversal.KEEPALIVE_MILLIS) {
            List<TraversalAction> actions = advance(client, now, t -> silence());
            assertThat(actions).noneMatch(UseRelay.class::isInstance);
            for (SendProbe keepalive : of(actions, SendProbe.class)) {
                client.onProbe(keepalive.probe().answer(CLIENT_PROBE_ID), S.get(2), now);
            }
        }
        assertThat(client.directPath()).contains(S.get(2));
    }

    @Test
    void authenticatedPacketsArrivingKeepTheDirectPathAliveWhenKeepalivesGoUnanswered() {
        switchedTo(S.get(2), 40);
        List<TraversalAction> actions = advance(client, 10_000, now -> new DirectTraffic(now, now, now));
        assertThat(actions).noneMatch(UseRelay.class::isInstance);
        assertThat(client.directPath()).contains(S.get(2));
    }

    @Test
    void datagramsFromTheDirectAddressThatAreNotAuthenticatedDoNotKeepItAlive() {
        switchedTo(S.get(2), 40);
        List<TraversalAction> actions = advance(client, 2_290, now -> new DirectTraffic(now, now, 0));
        assertThat(actions).contains(new UseRelay(S.get(2), "no answer on the direct path for 2250 ms"));
    }

    @Test
    void afterAFallbackTheClientRetriesEveryPairAfterTheBackoffAndCanSwitchAgain() {
        switchedTo(S.get(2), 40);
        advance(client, 2_290, now -> silence()); // fallback at 2290
        long retry = 2_290 + PunchScheduler.Settings.defaults().initialBackoffMillis();
        assertThat(advance(client, retry - 1, null)).isEmpty();
        List<TraversalAction> actions = advance(client, retry, null);
        assertThat(actions.get(0)).isEqualTo(new RoundStarted(2, List.of(pair(0), pair(1), pair(2), pair(3))));
        assertThat(punchMeNow(actions)).extracting(PunchMeNow::round).containsOnly(2L).hasSize(4);
        PathProbe challenge = challengeTo(actions, S.get(1));
        assertThat(client.onProbe(challenge.answer(CLIENT_PROBE_ID), S.get(1), retry + 5))
                .containsExactly(new PathValidated(S.get(1), 5), new RoundFinished(2, true, S.get(1)),
                        new UseDirect(S.get(1)));
    }

    // ---- roles ----

    @Test
    void onlyTheServerAdvertisesAndOnlyTheClientAsksForPunching() {
        server.start(serverCandidates(), 0);
        client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, C)), 0);
        assertThatThrownBy(() -> client.onMessage(new PunchMeNow(1, 0, C), 0))
                .isInstanceOf(TraversalProtocolException.class);
        assertThatThrownBy(() -> server.onMessage(new AddAddress(0, C), 0))
                .isInstanceOf(TraversalProtocolException.class);
        assertThatThrownBy(() -> server.onMessage(new RemoveAddress(0), 0))
                .isInstanceOf(TraversalProtocolException.class);
    }

    @Test
    void theServerProbesTheClientAddressEachPunchMeNowNamesAndRunsNoTimerOfItsOwn() throws Exception {
        server.start(serverCandidates(), 0);
        assertThat(server.nextDeadlineMillis()).isEmpty();
        List<TraversalAction> actions = server.onMessage(new PunchMeNow(1, 0, C), 0);
        assertThat(actions.get(0)).isEqualTo(new RoundStarted(1, List.of(C.toString())));
        assertThat(challengeTargets(actions)).containsExactly(C);
        // another pair with the same client address: probed once
        assertThat(server.onMessage(new PunchMeNow(1, 1, C), 0)).isEmpty();
    }

    @Test
    void aHigherRoundCancelsTheServersProbesOfTheOlderRound() throws Exception {
        InetSocketAddress other = address("198.51.100.21", 40001);
        server.start(serverCandidates(), 0);
        server.onMessage(new PunchMeNow(1, 0, C), 0);
        List<TraversalAction> actions = server.onMessage(new PunchMeNow(2, 1, other), 100);
        assertThat(actions.get(0)).isEqualTo(new RoundStarted(2, List.of(other.toString())));
        assertThat(server.probing()).containsExactly(other);
    }

    @Test
    void theServerSwitchesTooButAfterAFallbackWaitsForTheClientsNextRound() throws Exception {
        server.start(serverCandidates(), 0);
        PathProbe challenge = challengeTo(server.onMessage(new PunchMeNow(1, 0, C), 0), C);
        assertThat(server.onProbe(challenge.answer(SERVER_PROBE_ID), C, 10))
                .containsExactly(new PathValidated(C, 10), new RoundFinished(1, true, C), new UseDirect(C));
        assertThat(advance(server, 2_260, now -> silence())).contains(new UseRelay(C,
                "no answer on the direct path for 2250 ms"));
        assertThat(server.nextDeadlineMillis()).isEmpty();
    }

    // ---- bad input from the peer ----

    @Test
    void aPunchMeNowPairedWithASequenceNumberNeverAdvertisedIsAProtocolViolationAndChangesNothing() throws Exception {
        server.start(serverCandidates(), 0);
        assertThatThrownBy(() -> server.onMessage(new PunchMeNow(1, S.size(), C), 0))
                .isInstanceOfSatisfying(TraversalProtocolException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(TraversalProtocolException.PROTOCOL_VIOLATION));
        assertThatThrownBy(() -> server.onMessage(new PunchMeNow(1, QuicVarint.MAX_VALUE, C), 0))
                .isInstanceOf(TraversalProtocolException.class);
        assertThat(server.probing()).isEmpty();
        assertThat(challengeTargets(server.onMessage(new PunchMeNow(1, 0, C), 0))).containsExactly(C);
    }

    @Test
    void aPunchMeNowOfAnOlderRoundStartsNoProbe() throws Exception {
        InetSocketAddress other = address("198.51.100.21", 40001);
        server.start(serverCandidates(), 0);
        server.onMessage(new PunchMeNow(QuicVarint.MAX_VALUE, 0, C), 0);
        List<TraversalAction> actions = server.onMessage(new PunchMeNow(1, 1, other), 0);
        assertThat(actions).noneMatch(SendProbe.class::isInstance);
        assertThat(server.probing()).containsExactly(C);
    }

    @Test
    void aPunchMeNowNamingAnAddressNoOneMayBeProbedAtStartsNoProbe() throws Exception {
        server.start(serverCandidates(), 0);
        for (InetSocketAddress bystanders : List.of(address("224.0.0.1", 5000), address("0.0.0.0", 5000),
                address("198.51.100.20", 0))) {
            assertThat(server.onMessage(new PunchMeNow(1, 0, bystanders), 0)).noneMatch(SendProbe.class::isInstance);
        }
        assertThat(server.probing()).isEmpty();
    }

    @Test
    void morePunchMeNowInOneRoundThanTheConcurrencyLimitIsAProtocolViolation() throws Exception {
        server.start(serverCandidates(), 0);
        for (int i = 0; i < LIMIT; i++) {
            server.onMessage(new PunchMeNow(1, i, address("198.51.100." + (20 + i), 40000)), 0);
        }
        assertThatThrownBy(() -> server.onMessage(new PunchMeNow(1, 4, address("198.51.100.30", 40000)), 0))
                .isInstanceOf(TraversalProtocolException.class);
        assertThat(server.probing()).hasSize((int) LIMIT);
    }

    @Test
    void anAdvertisedAddressNoOneMayBeProbedAtIsIgnored() throws Exception {
        client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, C)), 0);
        for (InetSocketAddress bystanders : List.of(address("224.0.0.1", 5000), address("0.0.0.0", 5000),
                address("203.0.113.50", 0))) {
            assertThat(client.onMessage(new AddAddress(0, bystanders), 0)).isEmpty();
        }
        assertThat(client.onMessage(new RemoveAddress(0), 0)).isEmpty();
        assertThat(client.probing()).isEmpty();
        assertThat(client.nextDeadlineMillis()).isEmpty();
    }

    @Test
    void aRemoveAddressOfASequenceNumberNeverAdvertisedChangesNothing() throws Exception {
        connect();
        assertThat(client.onMessage(new RemoveAddress(QuicVarint.MAX_VALUE), 10)).isEmpty();
        assertThat(client.probing()).hasSize((int) LIMIT);
    }

    @Test
    void afterCloseNothingIsProbedOrTimedButChallengesAreStillAnswered() {
        connect();
        client.close();
        assertThat(client.nextDeadlineMillis()).isEmpty();
        assertThat(client.probing()).isEmpty();
        List<TraversalAction> actions = client.onProbe(new PathProbe(PathProbe.Kind.CHALLENGE, CLIENT_PROBE_ID, 9),
                S.get(0), 10);
        assertThat(actions).containsExactly(new AcceptFrom(S.get(0)),
                new SendProbe(new PathProbe(PathProbe.Kind.RESPONSE, SERVER_PROBE_ID, 9), S.get(0)));
    }

    // ---- fixture ----

    private static List<Candidate> serverCandidates() {
        return S.stream().map(s -> Candidate.of(Type.SERVER_REFLEXIVE, s)).toList();
    }

    /** Both sides start at t = 0 and the server's first record reaches the client: the client's actions. */
    private List<TraversalAction> connect() {
        client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, C)), 0);
        List<TraversalAction> actions = new ArrayList<>();
        for (SendControl record : of(server.start(serverCandidates(), 0), SendControl.class)) {
            for (TraversalMessage message : record.messages()) {
                try {
                    actions.addAll(client.onMessage(message, 0));
                } catch (TraversalProtocolException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return actions;
    }

    /** The client on the direct path to {@code target} (one of round 1's) since {@code atMillis}. */
    private void switchedTo(InetSocketAddress target, long atMillis) {
        PathProbe challenge = challengeTo(connect(), target);
        assertThat(client.onProbe(challenge.answer(CLIENT_PROBE_ID), target, atMillis)).contains(new UseDirect(target));
    }

    private static String pair(int server) {
        return C + "->" + S.get(server);
    }
}
