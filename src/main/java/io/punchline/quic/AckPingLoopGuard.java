package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.ack.AckGenerator;
import tech.kwik.core.common.PnSpace;
import tech.kwik.core.recovery.RttProvider;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Map;

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
 *
 * <p>On a quiet connection the guard also spaces out the PING that kwik adds to the ACK of each of the peer's
 * keepalives: on a relay, where every idle client sends a PING every 30 s (half the 60 s idle timeout), kwik answered
 * each with an ACK and a PING, which the client acknowledged, so each keepalive cost the relay two received packets
 * through kwik's three threads (a capture of 1,000 idle sessions: 305 PINGs in, 305 ACK-and-PINGs out, 303 ACKs in,
 * in 10 s). While the ACK state that a PING would let kwik clean up is small (at most one range of packet numbers to
 * acknowledge, at most {@link #QUIET_ACKS_SENT} ACK frames awaiting the peer's acknowledgment), the generator sees a
 * round trip of at least {@link #QUIET_RTT_MILLIS}: kwik then adds a PING only once no clean-up happened for that long
 * and nothing ack-eliciting left for one and a half times it, to every third keepalive. Section 13.2.4 asks for a PING
 * only "occasionally" and only so that the ACK state stays small; as soon as it is not (a peer sending in bulk, with
 * gaps from losses) the ordinary floor applies and the state is cleaned up within a round trip.
 */
public final class AckPingLoopGuard {

    /** Two of kwik's 20 ms ACK delays. */
    static final int MIN_RTT_MILLIS = 40;
    /** The round trip the ACK generator sees while its state is small: more than one keepalive interval (30 s). */
    static final int QUIET_RTT_MILLIS = 50_000;
    /** At most this many sent ACK frames not yet acknowledged by the peer, for the ACK state to count as small. */
    static final int QUIET_ACKS_SENT = 8;

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
                Floored floored = new Floored(current);
                rtt.set(app, floored);
                floored.watch(app);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("could not guard kwik's ACK generator against its PING loop ({}); an idle connection may keep "
                    + "exchanging PINGs and ACKs", e.toString());
            return false;
        }
    }

    /**
     * The RTT as the ACK generator sees it: the estimate, or {@link #MIN_RTT_MILLIS} when that is longer, and at least
     * {@link #QUIET_RTT_MILLIS} while the watched generator's ACK state is small.
     */
    static final class Floored implements RttProvider {

        private static final Field RANGES;
        private static final Field ACKS_SENT;

        static {
            Field ranges = null;
            Field acksSent = null;
            try {
                ranges = KwikInternals.field(AckGenerator.class, "rangesToAcknowledge");
                acksSent = KwikInternals.field(AckGenerator.class, "ackSentWithPacket");
            } catch (NoSuchFieldException | RuntimeException e) {
                LOG.warn("kwik's ACK generator has no fields to read its state from ({}): quiet connections keep "
                        + "answering every keepalive with a PING", e.toString());
            }
            RANGES = ranges;
            ACKS_SENT = acksSent;
        }

        private final RttProvider estimate;
        private volatile AckGenerator generator;

        Floored(RttProvider estimate) {
            this.estimate = estimate;
        }

        /** Lets the floor read {@code generator}'s ACK state (the generator this floor was given to). */
        void watch(AckGenerator generator) {
            this.generator = generator;
        }

        @Override
        public int getSmoothedRtt() {
            int rtt = Math.max(estimate.getSmoothedRtt(), MIN_RTT_MILLIS);
            return quiet() ? Math.max(rtt, QUIET_RTT_MILLIS) : rtt;
        }

        /**
         * Whether the generator's ACK state is small. Read without its lock (kwik asks from the sender thread while the
         * receiver may add to it): the sizes are a hint, and a stale one only moves a PING by one packet.
         */
        private boolean quiet() {
            AckGenerator watched = generator;
            if (watched == null || RANGES == null) {
                return false;
            }
            try {
                return ((Collection<?>) RANGES.get(watched)).size() <= 1
                        && ((Map<?, ?>) ACKS_SENT.get(watched)).size() <= QUIET_ACKS_SENT;
            } catch (IllegalAccessException | RuntimeException e) {
                return false;
            }
        }
    }
}
