package io.punchline.quic;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.ack.AckGenerator;
import tech.kwik.core.common.PnSpace;
import tech.kwik.core.frame.PingFrame;
import tech.kwik.core.impl.Version;
import tech.kwik.core.packet.ShortHeaderPacket;
import tech.kwik.core.impl.QuicClientConnectionImpl;
import tech.kwik.core.recovery.RttProvider;
import tech.kwik.core.send.Sender;
import tech.kwik.core.server.ApplicationProtocolConnection;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kwik 0.10.8's endless ACK-and-PING exchange on short paths: the decision that sustains it, on kwik's own ACK
 * generator, and a real kwik client and server on loopback with {@link AckPingLoopGuard} on both ends going quiet after
 * a PING.
 */
@Timeout(30)
class AckPingLoopGuardTest {

    private static final String ALPN = "punchline-ack-loop-test";

    private KwikTestPair pair;
    private QuicClientConnection client;

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
    }

    /**
     * The decision that keeps the exchange going, on kwik's own {@code AckGenerator} and a clock: one turn of the loop
     * after a loopback RTT estimate, the last ACK clean-up one 20 ms ACK delay ago, the last ack-eliciting packet two
     * delays ago. (The loop itself starts only from some connection states, which a test cannot set up reliably: on a
     * relay with 1,000 idle sessions 56 were in it, docs/BENCHMARKS.md.)
     */
    @Test
    void aDelayedAckOnAShortPathAsksForAnAckUnlessTheGuardFloorsTheRoundTripTime() {
        MutableClock clock = new MutableClock();
        Instant start = clock.instant();
        Sender sender = quietSender(start.minusMillis(20));
        RttProvider loopback = () -> 2;
        AckGenerator plain = new AckGenerator(clock, PnSpace.App, sender, loopback);
        AckGenerator guarded = new AckGenerator(clock, PnSpace.App, sender, new AckPingLoopGuard.Floored(loopback));
        clock.advance(20);
        assertThat(plain.wantsAckFromPeer()).as("kwik adds a PING: the loop's next turn").isTrue();
        assertThat(guarded.wantsAckFromPeer()).as("with the guard, an ACK alone: the loop ends").isFalse();
        clock.advance(30);
        assertThat(guarded.wantsAckFromPeer()).as("after a floored round trip with only ACKs sent, a PING again").isTrue();
    }

    /**
     * A relay's connection to an idle client: the client's keepalive PING every 30 s, each answered with an ACK. With
     * the guard's floor watching the generator, kwik asks for an ACK (adds a PING) to every third answer instead of
     * every one, so an idle session costs the relay one received packet per keepalive and not two.
     */
    @Test
    void anIdleConnectionAsksForAnAckWithEveryThirdKeepaliveAnswerOnly() {
        MutableClock clock = new MutableClock();
        Instant cleanedUp = clock.instant();
        Sender sender = quietSender(cleanedUp);
        AckPingLoopGuard.Floored floor = new AckPingLoopGuard.Floored(() -> 1);
        AckGenerator idle = new AckGenerator(clock, PnSpace.App, sender, floor);
        floor.watch(idle);
        AckGenerator unwatched = new AckGenerator(clock, PnSpace.App, sender, new AckPingLoopGuard.Floored(() -> 1));

        long packetNumber = 0;
        for (int keepalive = 1; keepalive <= 3; keepalive++) {
            clock.advance(30_000);
            idle.packetReceived(ping(packetNumber));
            unwatched.packetReceived(ping(packetNumber));
            assertThat(unwatched.wantsAckFromPeer()).as("the 40 ms floor alone: a PING with every answer").isTrue();
            boolean asks = idle.wantsAckFromPeer();
            assertThat(asks).as("keepalive %d asks for an ACK", keepalive).isEqualTo(keepalive == 3);
            idle.registerAckSendWithPacket(idle.generateAck().orElseThrow(), packetNumber++);
        }
        assertThat(floor.getSmoothedRtt()).isEqualTo(AckPingLoopGuard.QUIET_RTT_MILLIS);
    }

    /**
     * A peer that sends in bulk while this side only acknowledges, with a loss: the ACK state grows (two ranges, many
     * ACK frames in flight), so the quiet floor ends and kwik asks for an ACK within the ordinary floored round trip.
     */
    @Test
    void aGrowingAckStateGetsItsPingWithinTheOrdinaryFloor() {
        MutableClock clock = new MutableClock();
        Sender sender = quietSender(clock.instant());
        AckPingLoopGuard.Floored floor = new AckPingLoopGuard.Floored(() -> 1);
        AckGenerator bulk = new AckGenerator(clock, PnSpace.App, sender, floor);
        floor.watch(bulk);
        for (long pn = 0; pn < 40; pn++) {
            if (pn != 7) { // lost
                bulk.packetReceived(ping(pn));
            }
            if (pn % 2 == 1) {
                bulk.registerAckSendWithPacket(bulk.generateAck().orElseThrow(), 1000 + pn);
            }
        }
        assertThat(floor.getSmoothedRtt()).isEqualTo(AckPingLoopGuard.MIN_RTT_MILLIS);
        clock.advance(AckPingLoopGuard.MIN_RTT_MILLIS * 2);
        assertThat(bulk.wantsAckFromPeer()).isTrue();
    }

    private static ShortHeaderPacket ping(long packetNumber) {
        ShortHeaderPacket packet = new ShortHeaderPacket(Version.getDefault(), new byte[8], new PingFrame());
        packet.setPacketNumber(packetNumber);
        return packet;
    }

    @Test
    void withTheGuardOnBothEndsOnePingIsAnsweredAndTheConnectionGoesQuiet() throws Exception {
        connect(true);
        assertThat(packetsAfterOnePing()).as("client packets in the second after one PING").isLessThanOrEqualTo(3);
    }

    @Test
    void theGuardIsInstalledOnceAndFloorsOnlyWhatTheAckGeneratorSeesOfTheRoundTripTime() throws Exception {
        connect(true);
        AckGenerator app = KwikInternals.sender(client).getGlobalAckGenerator().getAckGenerator(PnSpace.App);
        Object seen = KwikInternals.field(AckGenerator.class, "rttProvider").get(app);
        assertThat(seen).isInstanceOf(AckPingLoopGuard.Floored.class);
        assertThat(AckPingLoopGuard.apply(client)).as("applying twice keeps one floor").isTrue();
        assertThat(KwikInternals.field(AckGenerator.class, "rttProvider").get(app)).isSameAs(seen);
        assertThat(new AckPingLoopGuard.Floored(() -> 2).getSmoothedRtt()).isEqualTo(AckPingLoopGuard.MIN_RTT_MILLIS);
        assertThat(new AckPingLoopGuard.Floored(() -> 75).getSmoothedRtt()).isEqualTo(75);
    }

    /**
     * Packets the client sends in the second after its last PING. Before, PINGs every 25 ms bring kwik's smoothed RTT
     * from the handshake's cold sample (about 100 ms in a fresh JVM) down to what loopback takes, as on a long-lived
     * connection near its relay.
     */
    private long packetsAfterOnePing() throws InterruptedException {
        QuicClientConnectionImpl pinging = (QuicClientConnectionImpl) client;
        for (int i = 0; i < 40; i++) {
            pinging.ping();
            Thread.sleep(25);
        }
        Thread.sleep(100);
        pinging.ping();
        long before = client.getStats().packetsSent();
        Thread.sleep(1000);
        return client.getStats().packetsSent() - before;
    }

    private void connect(boolean guarded) throws Exception {
        pair = KwikTestPair.connect(ALPN, (protocol, connection) -> {
            // as the relay's connections are
            CongestionControllerSwap.apply(connection);
            InOrderSendQueue.install(connection);
            if (guarded) {
                AckPingLoopGuard.apply(connection);
            }
            return new ApplicationProtocolConnection() {
            };
        }, connecting -> {
            CongestionControllerSwap.apply(connecting);
            InOrderSendQueue.install(connecting);
            if (guarded) {
                assertThat(AckPingLoopGuard.apply(connecting)).isTrue();
            }
        });
        client = pair.client();
    }

    private static Sender quietSender(Instant lastAckElicitingSent) {
        return (Sender) Proxy.newProxyInstance(Sender.class.getClassLoader(), new Class<?>[] {Sender.class},
                (proxy, method, args) -> "lastAckElicitingSent".equals(method.getName()) ? lastAckElicitingSent : null);
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-03T04:00:00Z");

        void advance(long millis) {
            now = now.plusMillis(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
