package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.stream.SendBuffer;

import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes sure kwik has a send request for what a stream's output still holds after a write.
 *
 * <p>Why: kwik 0.10.8's {@code StreamOutputStreamImpl} queues a send request with the sender before it counts it
 * ({@code scheduleSendStreamFrameRequest}: {@code connection.send(...)}, then {@code sendRequestsQueued++}). When the
 * sender runs that request in between and the packet has room for only part of the data (a 1200-byte packet shared with
 * ACK, DATAGRAM or other STREAM frames), it sees the count at -1 and queues no follow-up; the writer's increment then
 * brings the count back to 0 with data left in the buffer and no request for it. That data waits for the next write,
 * for ever on a request stream that has nothing more to say: a bind response or a capsule that never arrives, a POST
 * body the relay answers with 408 (seen on a loaded 2-core machine). Writes of at most 1000 bytes made it rarer,
 * not impossible.
 *
 * <p>The stuck state is fixed by the time the write returns, so a check right after it finds it: no request counted
 * and data in the buffer. A request queued then is at worst one too many (the sender finds nothing to send). kwik
 * offers no API for it: the fields and the method are reached by reflection, as {@link CongestionControllerSwap} does;
 * if an upgrade renames them, this logs once and does nothing.
 */
public final class StreamSendGuard {

    private static final Logger LOG = LoggerFactory.getLogger(StreamSendGuard.class);
    private static final String IMPL = "tech.kwik.core.stream.StreamOutputStreamImpl";
    /** Rounds of check and request: each round that races again needs the same preemption once more. */
    private static final int ROUNDS = 3;

    private static final Class<?> OUTPUT;
    private static final Field QUEUED;
    private static final Field BUFFER;
    private static final Method SCHEDULE;

    static {
        Class<?> output = null;
        Field queued = null;
        Field buffer = null;
        Method schedule = null;
        try {
            output = Class.forName(IMPL);
            queued = KwikInternals.field(output, "sendRequestsQueued");
            buffer = KwikInternals.field(output, "sendBuffer");
            schedule = output.getDeclaredMethod("scheduleSendStreamFrameRequest", boolean.class);
            schedule.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("kwik's stream output is not as expected ({}); a stream write may wait for the next one", e.toString());
            output = null;
        }
        OUTPUT = output;
        QUEUED = queued;
        BUFFER = buffer;
        SCHEDULE = schedule;
    }

    private StreamSendGuard() {
    }

    /** Call after each write to {@code out} (a kwik stream's output); anything else is left alone. */
    public static void afterWrite(OutputStream out) {
        if (OUTPUT == null || !OUTPUT.isInstance(out)) {
            return;
        }
        try {
            for (int round = 0; round < ROUNDS && isStuck(out); round++) {
                SCHEDULE.invoke(out, true);
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            LOG.debug("could not check a stream's send request: {}", e.toString());
        }
    }

    /** No send request counted and data in the buffer. */
    static boolean isStuck(OutputStream out) throws IllegalAccessException {
        return ((AtomicInteger) QUEUED.get(out)).get() == 0 && ((SendBuffer) BUFFER.get(out)).hasData();
    }
}
