package io.punchline.quic;

import tech.kwik.core.cc.CongestionControlEventListener;
import tech.kwik.core.cc.NewRenoCongestionController;
import tech.kwik.core.log.Logger;
import tech.kwik.core.packet.PacketInfo;

import java.lang.reflect.Field;
import java.time.Instant;
import java.util.List;

/**
 * kwik's NewReno (RFC 9002 section 7) with one correction: the window grows whenever the sender could not fit another
 * full packet into it, not only when it is filled to within 3 bytes.
 *
 * <p>kwik 0.10.8 grows the window only if {@code cwnd - bytesInFlight <= 3}. Stream data is cut to fill any gap, so
 * stream traffic meets that test; QUIC DATAGRAM frames cannot be cut, so with a steady flow of 1200-byte datagrams the
 * gap stays at a few hundred bytes and the window never grows past its initial 12,000 bytes, or past 2,400 after the
 * first loss. RFC 9002 section 7.8 speaks of a window that is "under-utilized", which a gap smaller than one packet is
 * not.
 */
final class FullWindowCongestionController extends NewRenoCongestionController {

    /** Largest packet a kwik connection sends (its default maximum packet size). */
    static final int MAX_PACKET = 1500;

    FullWindowCongestionController(Logger logger, CongestionControlEventListener listener, long window, long inFlight) {
        super(logger, listener);
        this.congestionWindow = window;
        this.bytesInFlight = inFlight;
    }

    @Override
    public synchronized void registerAcked(List<? extends PacketInfo> acknowledged) {
        long window = congestionWindow;
        boolean windowLimited = window - bytesInFlight < MAX_PACKET;
        super.registerAcked(acknowledged);
        if (windowLimited && congestionWindow == window) {
            // the parent judged the window under-used and did not grow it; grow it as RFC 9002 section 7.3 says
            for (PacketInfo info : acknowledged) {
                if (info.timeSent().isAfter(recoveryStart())) {
                    long size = info.packet().getSize();
                    if (getMode() == Mode.SlowStart) {
                        congestionWindow += size;
                    } else {
                        congestionWindow += kMaxDatagramSize * size / congestionWindow;
                    }
                }
            }
        }
    }

    private Instant recoveryStart() {
        try {
            return (Instant) RECOVERY_START.get(this);
        } catch (IllegalAccessException e) {
            return Instant.MIN;
        }
    }

    private static final Field RECOVERY_START = recoveryStartField();

    private static Field recoveryStartField() {
        try {
            Field field = NewRenoCongestionController.class.getDeclaredField("congestionRecoveryStartTime");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("kwik's NewRenoCongestionController changed: " + e, e);
        }
    }
}
