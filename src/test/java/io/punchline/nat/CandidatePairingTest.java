package io.punchline.nat;

import static io.punchline.nat.Addresses.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.punchline.nat.Candidate.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8445 sections 6.1.2.2 to 6.1.2.5 as Punchline applies them; expected priorities computed by hand. */
class CandidatePairingTest {

    static final Candidate LOCAL_HOST_V4 = Candidate.of(Type.HOST, address("192.168.1.10", 5000)); // 2126511871
    static final Candidate LOCAL_SRFLX = Candidate.of(Type.SERVER_REFLEXIVE, address("198.51.100.20", 40000));
    static final Candidate LOCAL_HOST_V6 = Candidate.of(Type.HOST, address("2001:db8:a::10", 5000)); // 2130706431
    static final Candidate LOCAL_RELAYED = Candidate.of(Type.RELAYED, address("203.0.113.1", 7000));
    static final Candidate LOCAL_LOOPBACK = Candidate.of(Type.HOST, address("127.0.0.1", 5000));

    static final List<Candidate> LOCAL = List.of(LOCAL_RELAYED, LOCAL_LOOPBACK, LOCAL_SRFLX, LOCAL_HOST_V4,
            LOCAL_HOST_V6);

    static Map<Long, Candidate> remote() {
        Map<Long, Candidate> remote = new LinkedHashMap<>();
        remote.put(0L, Candidate.inferred(address("192.168.1.20", 6000))); // host, same site
        remote.put(1L, Candidate.inferred(address("203.0.113.50", 41000))); // srflx, 1694498559
        remote.put(2L, Candidate.inferred(address("2001:db8:b::20", 6000))); // host v6
        remote.put(3L, Candidate.inferred(address("10.0.0.5", 6000))); // another private network
        remote.put(4L, Candidate.inferred(address("fe80::1", 6000))); // link-local: no scope on the wire
        remote.put(5L, Candidate.of(Type.RELAYED, address("203.0.113.1", 7001)));
        return remote;
    }

    @Test
    void pairsAreFormedFilteredAndOrderedByPairPriority() {
        List<CandidatePair> pairs = CandidatePairing.pairs(LOCAL, remote());
        assertThat(pairs).containsExactly(
                new CandidatePair(LOCAL_HOST_V6, remote().get(2L), 2),
                new CandidatePair(LOCAL_HOST_V4, remote().get(0L), 0),
                new CandidatePair(LOCAL_HOST_V4, remote().get(1L), 1),
                new CandidatePair(LOCAL_SRFLX, remote().get(1L), 1));
        // 2^32*MIN + 2*MAX + (G>D): G = D = 2130706431
        assertThat(pairs.get(0).priority()).isEqualTo(9151314442783293438L);
        // G = D = 2126511871
        assertThat(pairs.get(1).priority()).isEqualTo(9133298944753794558L);
        // G = 2126511871 > D = 1694498559: the controlling tie-breaker bit is set
        assertThat(pairs.get(2).priority()).isEqualTo(7277815898277150207L);
        // G = D = 1694498559
        assertThat(pairs.get(3).priority()).isEqualTo(7277815897413123582L);
    }

    @Test
    void pairPriorityFormulaIsAsymmetricOnlyInTheLastBit() {
        assertThat(CandidatePair.pairPriority(5, 3)).isEqualTo((3L << 32) + 10 + 1);
        assertThat(CandidatePair.pairPriority(3, 5)).isEqualTo((3L << 32) + 10);
    }

    @Test
    void addressFamiliesNeverMix() {
        assertThat(CandidatePairing.canPair(LOCAL_HOST_V6, remote().get(1L))).isFalse();
        assertThat(CandidatePairing.canPair(LOCAL_SRFLX, remote().get(2L))).isFalse();
    }

    @Test
    void relayedCandidatesNeverPair() {
        assertThat(CandidatePairing.canPair(LOCAL_RELAYED, remote().get(1L))).isFalse();
        assertThat(CandidatePairing.canPair(LOCAL_SRFLX, remote().get(5L))).isFalse();
    }

    @Test
    void privateRemotePairsOnlyWithinTheSameSite() {
        assertThat(CandidatePairing.canPair(LOCAL_HOST_V4, remote().get(0L))).isTrue();
        assertThat(CandidatePairing.canPair(LOCAL_SRFLX, remote().get(0L))).isFalse();
        assertThat(CandidatePairing.canPair(LOCAL_HOST_V4, remote().get(3L))).isFalse();
    }

    @Test
    void loopbackPairsOnlyWithLoopback() {
        Candidate remoteLoopback = Candidate.inferred(address("127.0.0.1", 6000));
        assertThat(CandidatePairing.canPair(LOCAL_LOOPBACK, remoteLoopback)).isTrue();
        assertThat(CandidatePairing.canPair(LOCAL_LOOPBACK, remote().get(1L))).isFalse();
        assertThat(CandidatePairing.canPair(LOCAL_HOST_V4, remoteLoopback)).isFalse();
    }

    @Test
    void pairsWithTheSameAddressesAreKeptOnceWithTheHigherPriority() {
        // a public host address that is also its own server-reflexive address, and one address advertised twice
        Candidate host = Candidate.of(Type.HOST, address("198.51.100.20", 40000));
        Map<Long, Candidate> remote = new LinkedHashMap<>();
        remote.put(7L, Candidate.inferred(address("203.0.113.50", 41000)));
        remote.put(3L, Candidate.inferred(address("203.0.113.50", 41000)));
        List<CandidatePair> pairs = CandidatePairing.pairs(List.of(LOCAL_SRFLX, host), remote);
        assertThat(pairs).containsExactly(new CandidatePair(host, remote.get(3L), 3));
    }

    @Test
    void atMostTheLimitOfPairsIsKept() {
        Map<Long, Candidate> remote = new LinkedHashMap<>();
        for (long i = 0; i < 30; i++) {
            remote.put(i, Candidate.inferred(address("203.0.113." + (i + 1), 4000)));
        }
        List<Candidate> local = List.of(LOCAL_SRFLX, LOCAL_HOST_V4,
                Candidate.of(Type.HOST, address("192.168.2.10", 5000)),
                Candidate.of(Type.HOST, address("10.9.9.9", 5000)));
        assertThat(CandidatePairing.pairs(local, remote)).hasSize(CandidatePairing.DEFAULT_MAX_PAIRS);
        assertThat(CandidatePairing.pairs(local, remote, 7)).hasSize(7);
    }

    /** RFC 8421 section 4: families take turns, IPv6 first, each in pair-priority order. */
    @Test
    void addressFamiliesTakeTurnsIpv6FirstSoManyIpv6AddressesDoNotHoldIpv4Back() {
        List<Candidate> local = List.of(LOCAL_HOST_V4, LOCAL_SRFLX,
                Candidate.of(Type.HOST, address("2001:db8:a::10", 5000)),
                Candidate.of(Type.HOST, address("2001:db8:a::11", 5000)),
                Candidate.of(Type.HOST, address("2001:db8:a::12", 5000)));
        Map<Long, Candidate> remote = new LinkedHashMap<>();
        remote.put(0L, Candidate.inferred(address("2001:db8:b::20", 6000)));
        remote.put(1L, Candidate.inferred(address("203.0.113.50", 41000)));
        List<CandidatePair> pairs = CandidatePairing.pairs(local, remote);
        assertThat(pairs).extracting(p -> p.local().isIpv4()).containsExactly(false, true, false, true, false);
        assertThat(pairs).extracting(p -> p.local().address()).containsExactly(
                address("2001:db8:a::10", 5000), address("192.168.1.10", 5000), address("2001:db8:a::11", 5000),
                address("198.51.100.20", 40000), address("2001:db8:a::12", 5000));
    }

    @Test
    void withOneFamilyLeftItsPairsFollowInPriorityOrderAndTheLimitCountsTheInterleavedList() {
        Map<Long, Candidate> remote = new LinkedHashMap<>();
        remote.put(0L, Candidate.inferred(address("2001:db8:b::20", 6000)));
        remote.put(1L, Candidate.inferred(address("203.0.113.50", 41000)));
        remote.put(2L, Candidate.inferred(address("203.0.113.51", 41000)));
        remote.put(3L, Candidate.inferred(address("203.0.113.52", 41000)));
        List<CandidatePair> pairs = CandidatePairing.pairs(List.of(LOCAL_SRFLX, LOCAL_HOST_V6), remote);
        assertThat(pairs).extracting(CandidatePair::remoteSequence).containsExactly(0L, 1L, 2L, 3L);
        assertThat(CandidatePairing.pairs(List.of(LOCAL_SRFLX, LOCAL_HOST_V6), remote, 2))
                .extracting(CandidatePair::remoteSequence).containsExactly(0L, 1L);
    }

    @Test
    void pairAsksTheServerToProbeTheLocalAddress() {
        CandidatePair pair = new CandidatePair(LOCAL_SRFLX, remote().get(1L), 1);
        assertThat(pair.punchMeNow(4)).isEqualTo(new PunchMeNow(4, 1, address("198.51.100.20", 40000)));
    }
}
