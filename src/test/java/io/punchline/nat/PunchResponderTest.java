package io.punchline.nat;

import static io.punchline.nat.Addresses.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.nat.PunchResponse.Outcome;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** draft-seemann-quic-nat-traversal-02 on the server: advertisements, PUNCH_ME_NOW, rounds. */
class PunchResponderTest {

    static final InetSocketAddress S0 = address("203.0.113.50", 41000);
    static final InetSocketAddress S1 = address("192.168.1.20", 6000);
    static final InetSocketAddress C0 = address("198.51.100.20", 40000);
    static final InetSocketAddress C1 = address("192.168.1.10", 5000);

    private static PunchResponder advertised(int limit) {
        PunchResponder r = new PunchResponder(limit);
        r.advertise(S0);
        r.advertise(S1);
        return r;
    }

    @Test
    void advertisementsAreNumberedFromZeroAndRetransmittedUnchanged() {
        PunchResponder r = new PunchResponder(2);
        assertThat(r.advertise(S0)).isEqualTo(new AddAddress(0, S0));
        assertThat(r.advertise(S1)).isEqualTo(new AddAddress(1, S1));
        assertThat(r.advertise(S0)).isEqualTo(new AddAddress(0, S0));
        assertThat(r.withdraw(S0)).contains(new RemoveAddress(0));
        assertThat(r.withdraw(S0)).isEmpty();
        // sequence numbers are never reused
        assertThat(r.advertise(S0)).isEqualTo(new AddAddress(2, S0));
    }

    @Test
    void punchMeNowNamesTheClientAddressToProbe() throws Exception {
        PunchResponder r = advertised(2);
        PunchResponse response = r.onPunchMeNow(new PunchMeNow(1, 0, C0));
        assertThat(response.startsProbe()).isTrue();
        assertThat(response.target()).isEqualTo(C0);
        assertThat(response.cancelled()).isEmpty();
        assertThat(r.currentRound()).isEqualTo(1);
    }

    @Test
    void sameClientAddressInOneRoundIsProbedOnce() throws Exception {
        PunchResponder r = advertised(2);
        r.onPunchMeNow(new PunchMeNow(1, 0, C1));
        assertThat(r.onPunchMeNow(new PunchMeNow(1, 1, C1)).outcome()).isEqualTo(Outcome.ALREADY_PROBING);
        assertThat(r.activeTargets()).containsExactly(C1);
    }

    @Test
    void higherRoundCancelsAllProbesOfTheOlderRound() throws Exception {
        PunchResponder r = advertised(2);
        r.onPunchMeNow(new PunchMeNow(1, 0, C0));
        r.onPunchMeNow(new PunchMeNow(1, 1, C1));
        PunchResponse response = r.onPunchMeNow(new PunchMeNow(5, 1, C1));
        assertThat(response.cancelled()).containsExactly(C0, C1);
        assertThat(response.startsProbe()).isTrue();
        assertThat(r.activeTargets()).containsExactly(C1);
    }

    @Test
    void staleRoundIsIgnored() throws Exception {
        PunchResponder r = advertised(2);
        r.onPunchMeNow(new PunchMeNow(3, 0, C0));
        PunchResponse stale = r.onPunchMeNow(new PunchMeNow(2, 1, C1));
        assertThat(stale.outcome()).isEqualTo(Outcome.STALE_ROUND);
        assertThat(stale.cancelled()).isEmpty();
        assertThat(r.activeTargets()).containsExactly(C0);
    }

    @Test
    void moreFramesInARoundThanTheConcurrencyLimitIsAProtocolViolation() throws Exception {
        PunchResponder r = advertised(2);
        r.onPunchMeNow(new PunchMeNow(1, 0, C0));
        r.onPunchMeNow(new PunchMeNow(1, 1, C0));
        assertThatThrownBy(() -> r.onPunchMeNow(new PunchMeNow(1, 1, C1)))
                .isInstanceOf(TraversalProtocolException.class)
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.PROTOCOL_VIOLATION);
        // the next round has its own allowance
        assertThat(r.onPunchMeNow(new PunchMeNow(2, 1, C1)).startsProbe()).isTrue();
    }

    @Test
    void pairingWithANeverAdvertisedSequenceIsAProtocolViolation() {
        PunchResponder r = advertised(2);
        assertThatThrownBy(() -> r.onPunchMeNow(new PunchMeNow(1, 2, C0)))
                .isInstanceOf(TraversalProtocolException.class).hasMessageContaining("never advertised");
    }

    @Test
    void pairingWithAWithdrawnAddressIsStillProbed() throws Exception {
        PunchResponder r = advertised(2);
        r.withdraw(S0);
        assertThat(r.onPunchMeNow(new PunchMeNow(1, 0, C0)).startsProbe()).isTrue();
    }

    @Test
    void unusableTargetIsNotProbedButStillStartsTheRound() throws Exception {
        PunchResponder r = advertised(2);
        r.onPunchMeNow(new PunchMeNow(1, 0, C0));
        PunchResponse response = r.onPunchMeNow(new PunchMeNow(2, 0, address("255.255.255.255", 9)));
        assertThat(response.outcome()).isEqualTo(Outcome.UNUSABLE_TARGET);
        assertThat(response.cancelled()).containsExactly(C0);
        assertThat(r.activeTargets()).isEmpty();
    }

    @Test
    void schedulerOrdersNeverBreakTheRespondersRules() throws Exception {
        // the two halves wired together through the codec
        PunchResponder server = new PunchResponder(2);
        PunchScheduler client = new PunchScheduler(server.concurrencyLimit(), PunchSchedulerTest.SETTINGS,
                java.util.Set.of());
        TraversalCodec toServer = new TraversalCodec(TraversalRole.SERVER);
        toServer.feed(java.nio.ByteBuffer.wrap(NatTraversalParameter.fromClient().toBytes()));
        java.util.List<PunchOrder> orders = new java.util.ArrayList<>();
        client.onLocalCandidates(PunchSchedulerTest.LOCAL, 0).ifPresent(orders::add);
        for (InetSocketAddress a : new InetSocketAddress[] {S0, S1, address("203.0.113.60", 42000)}) {
            client.onAddAddress(server.advertise(a), 10).ifPresent(orders::add);
        }
        client.onRemoveAddress(server.withdraw(S1).orElseThrow(), 20).ifPresent(orders::add);
        for (long t = 3_000; t < 30_000; t += 1_000) {
            client.onTimer(t).ifPresent(orders::add);
        }
        assertThat(orders).isNotEmpty();
        for (PunchOrder order : orders) {
            for (PunchMeNow m : order.messages()) {
                for (TraversalMessage received : toServer.feed(java.nio.ByteBuffer.wrap(m.toBytes()))) {
                    server.onPunchMeNow((PunchMeNow) received);
                }
            }
        }
    }
}
