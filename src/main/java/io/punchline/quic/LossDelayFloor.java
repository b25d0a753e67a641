package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.frame.AckFrame;
import tech.kwik.core.recovery.LossDetector;
import tech.kwik.core.recovery.RecoveryManager;
import tech.kwik.core.recovery.RttEstimator;
import tech.kwik.core.send.SenderImpl;

import java.lang.reflect.Field;
import java.time.Instant;
import java.util.List;

/**
 * Gives kwik 0.10.8's loss detection the time threshold floor of RFC 9002 section 6.1.2: "loss_delay =
 * max(kTimeThreshold * max(smoothed_rtt, latest_rtt), kGranularity)", kGranularity being 1 ms (section 6.1.2, A.2).
 *
 * <p>Why: kwik computes the loss delay without the floor, in whole milliseconds, so on a path whose RTT measures 0 ms
 * (loopback, the embedded relay, a fast LAN) it is 0: every packet sent before an acknowledged one counts as lost at
 * once, whatever reordering the threshold is there to absorb. Worse, kwik asserts that the delay is positive
 * ({@code LossDetector.detectLostPackets}), and with assertions enabled (every test run) the AssertionError thrown
 * while processing an ACK "aborts" a server connection: kwik only takes it out of its connection table, neither closes
 * it nor tells the application, so the client's packets go nowhere from then on. That was the relay's request that was
 * never answered, the tunnelled datagram that never arrived, the idle connection whose close was never reported, each
 * seen once in some full test runs on a loaded 2-core machine; kwik's log (now {@link KwikLog}) named the assertion.
 *
 * <p>The floor is put where only the loss detectors read the RTT: each gets an estimator that passes every sample on
 * to the connection's own and reports its smoothed and latest RTT as at least {@link #K_GRANULARITY_MILLIS}. The probe
 * timeout, the ACK delay and pacing keep reading the real estimate. Like {@link CongestionControllerSwap}, this reaches
 * kwik's internals by reflection and logs and leaves the connection unchanged if an upgrade moved them.
 */
public final class LossDelayFloor {

    /** RFC 9002 section 6.1.2 and appendix A.2: the timer granularity, 1 ms. */
    static final int K_GRANULARITY_MILLIS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(LossDelayFloor.class);

    private LossDelayFloor() {
    }

    /** Installs the floor in {@code connection}'s loss detectors; returns whether it could. */
    public static boolean apply(QuicConnection connection) {
        try {
            SenderImpl sender = KwikInternals.sender(connection);
            RecoveryManager recovery = (RecoveryManager) KwikInternals.field(SenderImpl.class, "recoveryManager").get(sender);
            Field rttField = KwikInternals.field(LossDetector.class, "rttEstimater");
            for (LossDetector detector : (LossDetector[]) KwikInternals.field(RecoveryManager.class, "lossDetectors").get(recovery)) {
                RttEstimator current = (RttEstimator) rttField.get(detector);
                if (!(current instanceof Floored)) {
                    rttField.set(detector, new Floored(current));
                }
            }
            return true;
        } catch (ReflectiveOperationException | ClassCastException e) {
            LOG.warn("could not give kwik's loss detection its 1 ms floor ({}); on a path of under 1 ms a packet sent "
                    + "before an acknowledged one counts as lost at once", e.toString());
            return false;
        }
    }

    /** The connection's RTT estimate as the loss detectors see it: samples pass through, RTTs are at least 1 ms. */
    static final class Floored extends RttEstimator {
        private final RttEstimator estimate;

        Floored(RttEstimator estimate) {
            super(new KwikLog());
            this.estimate = estimate;
        }

        /** kwik's list holds its package-private {@code PacketStatus}: the raw type is the override's only spelling. */
        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public void ackReceived(AckFrame ack, Instant timeReceived, List newlyAcked) {
            estimate.ackReceived(ack, timeReceived, newlyAcked);
        }

        @Override
        public void addSample(Instant timeReceived, Instant timeSent, int ackDelay) {
            estimate.addSample(timeReceived, timeSent, ackDelay);
        }

        @Override
        public void setMaxAckDelay(int maxAckDelay) {
            estimate.setMaxAckDelay(maxAckDelay);
        }

        @Override
        public int getSmoothedRtt() {
            return Math.max(estimate.getSmoothedRtt(), K_GRANULARITY_MILLIS);
        }

        @Override
        public int getLatestRtt() {
            return Math.max(estimate.getLatestRtt(), K_GRANULARITY_MILLIS);
        }

        @Override
        public int getRttVar() {
            return estimate.getRttVar();
        }
    }
}
