package io.punchline.quic;

import tech.kwik.core.cc.CongestionControlEventListener;
import tech.kwik.core.cc.NewRenoCongestionController;
import tech.kwik.core.log.Logger;
import tech.kwik.core.frame.AckFrame;
import tech.kwik.core.frame.DatagramFrame;
import tech.kwik.core.frame.Padding;
import tech.kwik.core.frame.PingFrame;
import tech.kwik.core.frame.QuicFrame;
import tech.kwik.core.packet.PacketInfo;
import tech.kwik.core.packet.QuicPacket;

import java.lang.reflect.Field;
import java.time.Instant;
import java.util.List;

/**
 * The relay hop's congestion controller: kwik's NewReno (RFC 9002 section 7) with two changes.
 *
 * <p>First, the loss of a packet that carried only tunnelled datagrams (DATAGRAM frames, with ACK, PING or PADDING)
 * does not shrink the window: the datagram is another QUIC connection's packet (a peer session running BBR inside),
 * whose own controller sees the loss and sets the rate; halving the hop's window on every random loss as well would
 * cap the tunnelled session at NewReno's loss-limited rate, which is what the original kwik peer sessions measured
 * (0.24 MB/s at 20 ms + 1%). The window still grows only with acknowledgements, so the hop never sends faster than its
 * path delivers, and losses of stream data (requests, capsules) still halve it as RFC 9002 says.
 *
 * <p>Second, the window grows whenever the sender could not fit another full packet into it, not only when it is
 * filled to within 3 bytes.
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

    @Override
    public void registerLost(List<? extends PacketInfo> lost) {
        if (lost.isEmpty() || !lost.stream().allMatch(info -> onlyTunnelled(info.packet()))) {
            super.registerLost(lost);
            return;
        }
        synchronized (this) {
            long window = congestionWindow;
            Object threshold = read(SLOW_START_THRESHOLD);
            Object recovery = read(RECOVERY_START);
            super.registerLost(lost); // takes the packets out of flight, and would halve the window
            congestionWindow = window;
            write(SLOW_START_THRESHOLD, threshold);
            write(RECOVERY_START, recovery);
        }
    }

    /** Whether a packet carried nothing but tunnelled datagrams and their companions. */
    static boolean onlyTunnelled(QuicPacket packet) {
        boolean datagram = false;
        for (QuicFrame frame : packet.getFrames()) {
            if (frame instanceof DatagramFrame) {
                datagram = true;
            } else if (!(frame instanceof AckFrame || frame instanceof PingFrame || frame instanceof Padding)) {
                return false;
            }
        }
        return datagram;
    }

    private Object read(Field field) {
        try {
            return field.get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(Field field, Object value) {
        try {
            field.set(this, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private Instant recoveryStart() {
        try {
            return (Instant) RECOVERY_START.get(this);
        } catch (IllegalAccessException e) {
            return Instant.MIN;
        }
    }

    private static final Field RECOVERY_START = newRenoField("congestionRecoveryStartTime");
    private static final Field SLOW_START_THRESHOLD = newRenoField("slowStartThreshold");

    private static Field newRenoField(String name) {
        try {
            Field field = NewRenoCongestionController.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("kwik's NewRenoCongestionController changed: " + e, e);
        }
    }
}
