package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.ack.AckGenerator;
import tech.kwik.core.common.PnSpace;
import tech.kwik.core.recovery.RttProvider;

import java.lang.reflect.Field;

/**
 * Stops kwik 0.10.8's endless ACK-and-PING exchange on a quiet connection (RFC 9000 section 13.2.4, section 13.2.1 for
 * the ACK delay).
 *
 * <p>Section 13.2.4 lets an endpoint that sends only ACK frames add a PING "occasionally, such as once per round trip",
 * so that its own ACK state gets acknowledged. kwik's {@code AckGenerator.wantsAckFromPeer} adds one to an ACK-only
 * packet when its ACK ranges were last cleaned up more than one smoothed RTT ago and its last ack-eliciting packet left
 * more than 1.5 RTT ago; and kwik answers an ack-eliciting packet after its 20 ms ACK delay. When the RTT is below that
 * delay, each end's delayed ACK finds both conditions true and carries a PING, which the other end answers the same
 * way 20 ms later: 25 packets a second each way for the life of an idle connection. Measured on a relay with 1,000 idle
 * bind sessions on loopback (docs/BENCHMARKS.md, "Relay under load"): 56 connections were in that loop, about 1,000
 * of the relay's 1,100 packets a second and most of its idle CPU; the engine's relay connection, near its relay, falls
 * into it too.
 *
 * <p>The guard gives the application space's ACK generator an RTT of at least {@link #MIN_RTT_MILLIS}, two ACK delays:
 * within a loop the time since the last clean-up is one ACK delay, so no PING is added and the loop ends at its next
 * turn; an endpoint that only sends ACKs still adds a PING once per (real) round trip on longer paths and at most every
 * 60 ms on short ones. The real RTT estimate (loss detection, pacing) is untouched: only this reader of it sees the
 * floor. Like {@link CongestionControllerSwap}, it reaches kwik's internals by reflection and logs and leaves the
 * connection unchanged if an upgrade moved them.
 */
public final class AckPingLoopGuard {

    /** Two of kwik's 20 ms ACK delays. */
    static final int MIN_RTT_MILLIS = 40;

    private static final Logger LOG = LoggerFactory.getLogger(AckPingLoopGuard.class);

    private AckPingLoopGuard() {
    }

    /** Installs the guard on {@code connection}; returns whether it could. Call once the connection is built. */
    public static boolean apply(QuicConnection connection) {
        try {
            AckGenerator app = KwikInternals.sender(connection).getGlobalAckGenerator().getAckGenerator(PnSpace.App);
            Field rtt = KwikInternals.field(AckGenerator.class, "rttProvider");
            RttProvider current = (RttProvider) rtt.get(app);
            if (!(current instanceof Floored)) {
                rtt.set(app, new Floored(current));
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("could not guard kwik's ACK generator against its PING loop ({}); an idle connection may keep "
                    + "exchanging PINGs and ACKs", e.toString());
            return false;
        }
    }

    /** The RTT as the ACK generator sees it: the estimate, or {@link #MIN_RTT_MILLIS} when that is longer. */
    record Floored(RttProvider estimate) implements RttProvider {
        @Override
        public int getSmoothedRtt() {
            return Math.max(estimate.getSmoothedRtt(), MIN_RTT_MILLIS);
        }
    }
}
