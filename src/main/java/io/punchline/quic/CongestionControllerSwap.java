package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.cc.CongestionControlEventListener;
import tech.kwik.core.cc.CongestionController;
import tech.kwik.core.recovery.LossDetector;
import tech.kwik.core.recovery.RecoveryManager;
import tech.kwik.core.send.SenderImpl;


/**
 * Puts a {@link FullWindowCongestionController} into a kwik 0.10.8 connection, in place of the NewReno controller its
 * sender created. kwik has no option for this, so the swap reaches the four places that hold the controller (the
 * sender, the recovery manager and its loss detectors) by reflection. It is checked by a test of relay throughput; if
 * a kwik upgrade changes these internals the swap logs a warning and leaves the connection as it was.
 */
public final class CongestionControllerSwap {

    private static final Logger LOG = LoggerFactory.getLogger(CongestionControllerSwap.class);

    private CongestionControllerSwap() {
    }

    /** Swaps the controller of {@code connection}; returns whether it did. Call before or just after the handshake. */
    public static boolean apply(QuicConnection connection) {
        try {
            SenderImpl sender = KwikInternals.sender(connection);
            CongestionController old = sender.getCongestionController();
            if (old instanceof FullWindowCongestionController) {
                return true;
            }
            tech.kwik.core.log.Logger kwikLog = (tech.kwik.core.log.Logger) KwikInternals.field(SenderImpl.class, "log").get(sender);
            FullWindowCongestionController replacement = new FullWindowCongestionController(kwikLog,
                    (CongestionControlEventListener) sender, old.getWindowSize(), old.getBytesInFlight());
            KwikInternals.field(SenderImpl.class, "congestionController").set(sender, replacement);
            RecoveryManager recovery = (RecoveryManager) KwikInternals.field(SenderImpl.class, "recoveryManager").get(sender);
            KwikInternals.field(RecoveryManager.class, "congestionController").set(recovery, replacement);
            for (LossDetector detector : (LossDetector[]) KwikInternals.field(RecoveryManager.class, "lossDetectors").get(recovery)) {
                KwikInternals.field(LossDetector.class, "congestionController").set(detector, replacement);
            }
            return true;
        } catch (ReflectiveOperationException | ClassCastException | IllegalStateException e) {
            LOG.warn("could not replace kwik's congestion controller ({}); datagram throughput will be limited", e.toString());
            return false;
        }
    }
}
