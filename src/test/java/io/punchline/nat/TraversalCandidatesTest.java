package io.punchline.nat;

import io.punchline.nat.Candidate.Type;
import io.punchline.nat.TraversalAction.CandidateAdded;
import io.punchline.nat.TraversalAction.CandidateRemoved;
import io.punchline.nat.TraversalAction.RoundStarted;
import io.punchline.nat.TraversalAction.SendControl;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.punchline.nat.Addresses.address;
import static io.punchline.nat.TraversalScript.of;
import static io.punchline.nat.TraversalScript.punchMeNow;
import static io.punchline.nat.TraversalTest.CLIENT_PROBE_ID;
import static io.punchline.nat.TraversalTest.C;
import static io.punchline.nat.TraversalTest.C_RELAY;
import static io.punchline.nat.TraversalTest.S;
import static io.punchline.nat.TraversalTest.SERVER_PROBE_ID;
import static io.punchline.nat.TraversalTest.S_RELAY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Traversal#onLocalCandidates}: a candidate learned after the session started (a port mapping the gateway
 * granted late) is offered to the peer, and one gone is withdrawn, the way draft-seemann-quic-nat-traversal-02 offers
 * candidates: ADD_ADDRESS and REMOVE_ADDRESS from the server, pairs in the next rounds from the client.
 */
class TraversalCandidatesTest {

    /** The address a gateway mapped late for the side under test. */
    static final InetSocketAddress M = address("198.51.100.99", 50000);

    private final Traversal client = new Traversal(TraversalRole.CLIENT, SERVER_PROBE_ID, S_RELAY, Set.of(C_RELAY),
            new Random(1));
    private final Traversal server = new Traversal(TraversalRole.SERVER, CLIENT_PROBE_ID, C_RELAY, Set.of(S_RELAY),
            new Random(2));

    @Test
    void aServerAdvertisesALateCandidateWithTheNextSequenceNumberAndWithdrawsItWhenItIsGone() {
        List<Candidate> start = List.of(Candidate.of(Type.SERVER_REFLEXIVE, S.get(0)), Candidate.of(Type.HOST, S.get(1)));
        server.start(start, 0);
        List<Candidate> withMapping = new ArrayList<>(start);
        withMapping.add(Candidate.of(Type.MAPPED, M));

        assertThat(server.onLocalCandidates(withMapping, 500)).containsExactly(
                new CandidateAdded(true, "mapped", M),
                new SendControl(List.of(new AddAddress(2, M))));
        assertThat(server.onLocalCandidates(withMapping, 600)).as("nothing new").isEmpty();
        assertThat(server.onLocalCandidates(start, 700)).containsExactly(
                new CandidateRemoved(true, M),
                new SendControl(List.of(new RemoveAddress(2))));
    }

    @Test
    void aClientPairsALateCandidateWithTheServersAddressesInTheRoundUnderWay() throws Exception {
        client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, C)), 0);
        client.onMessage(NatTraversalParameter.fromServer(Traversal.CONCURRENCY_LIMIT), 0);
        client.onMessage(new AddAddress(0, S.get(0)), 0);
        List<TraversalAction> actions = client.onLocalCandidates(
                List.of(Candidate.of(Type.SERVER_REFLEXIVE, C), Candidate.of(Type.MAPPED, M)), 500);

        assertThat(actions.get(0)).isEqualTo(new CandidateAdded(true, "mapped", M));
        assertThat(of(actions, RoundStarted.class)).as("a free slot in round 1 takes the new pair").isEmpty();
        assertThat(punchMeNow(actions)).containsExactly(new PunchMeNow(1, 0, M));
    }

    @Test
    void candidatesBeforeTheStartOrAfterTheCloseChangeNothing() {
        List<Candidate> candidates = List.of(Candidate.of(Type.MAPPED, M));
        assertThat(server.onLocalCandidates(candidates, 0)).isEmpty();
        server.start(List.of(Candidate.of(Type.HOST, S.get(0))), 0);
        server.close();
        assertThat(server.onLocalCandidates(candidates, 100)).isEmpty();
    }
}
