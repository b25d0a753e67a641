package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.cc.CongestionControlEventListener;
import tech.kwik.core.cc.CongestionController;
import tech.kwik.core.recovery.LossDetector;
import tech.kwik.core.recovery.RecoveryManager;
import tech.kwik.core.send.SenderImpl;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

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
            SenderImpl sender = (SenderImpl) method(connection.getClass(), "getSender").invoke(connection);
            CongestionController old = sender.getCongestionController();
            if (old instanceof FullWindowCongestionController) {
                return true;
            }
            tech.kwik.core.log.Logger kwikLog = (tech.kwik.core.log.Logger) field(SenderImpl.class, "log").get(sender);
            FullWindowCongestionController replacement = new FullWindowCongestionController(kwikLog,
                    (CongestionControlEventListener) sender, old.getWindowSize(), old.getBytesInFlight());
            field(SenderImpl.class, "congestionController").set(sender, replacement);
            RecoveryManager recovery = (RecoveryManager) field(SenderImpl.class, "recoveryManager").get(sender);
            field(RecoveryManager.class, "congestionController").set(recovery, replacement);
            for (LossDetector detector : (LossDetector[]) field(RecoveryManager.class, "lossDetectors").get(recovery)) {
                field(LossDetector.class, "congestionController").set(detector, replacement);
            }
            return true;
        } catch (ReflectiveOperationException | ClassCastException | IllegalStateException e) {
            LOG.warn("could not replace kwik's congestion controller ({}); datagram throughput will be limited", e.toString());
            return false;
        }
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method method = c.getDeclaredMethod(name);
                method.setAccessible(true);
                return method;
            } catch (NoSuchMethodException e) {
                // look in the superclass
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
