package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicStream;
import tech.kwik.core.stream.FlowControl;
import tech.kwik.core.stream.RetransmitBuffer;
import tech.kwik.core.stream.SendBuffer;

import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes sure kwik has a send request for what a stream's output can send after a write.
 *
 * <p>Why: kwik 0.10.8's {@code StreamOutputStreamImpl} queues a send request only when its counter of queued requests
 * reads 0, and it queues a request with the sender before it counts it ({@code scheduleSendStreamFrameRequest}:
 * {@code connection.send(...)}, then {@code sendRequestsQueued++}). When the sender runs that request in between, the
 * counter reads -1 until the writer's increment, and whoever looks in that window queues nothing: the sender itself
 * (it sent part of the data, a 1200-byte packet shared with ACK, DATAGRAM or other STREAM frames, and wants a follow-up),
 * the receiver thread handing over the peer's MAX_STREAM_DATA or MAX_DATA ({@code streamNotBlocked}), or the loss
 * detector handing back a lost frame. The writer's increment then brings the count back to 0 with something to send and
 * no request for it. That waits for the next write, for ever on a request stream that has nothing more to say: a bind
 * response or a capsule that never arrives, a POST body the relay answers with 408 (seen on a loaded 2-core machine),
 * a stream stalled at its flow-control limit with credit granted.
 *
 * <p>The stuck state is in place by the time the write returns, so a check right after it finds it: no request
 * counted, and either lost data to send again or buffered data the flow-control credit lets out (or only the end of
 * the stream, which needs no credit). A stream waiting for credit is not stuck: the peer's update will queue its
 * request, and the guard queues none (each request it queued would open the same window again). A request queued
 * here is at worst one too many (the sender finds nothing to send); each one is counted after it is queued, so the
 * check repeats until it finds the stream not stuck. kwik offers no API for it: the fields and the method are reached
 * by reflection, as {@link CongestionControllerSwap} does; if an upgrade renames them, this logs once and does nothing.
 */
public final class StreamSendGuard {

    private static final Logger LOG = LoggerFactory.getLogger(StreamSendGuard.class);
    private static final String IMPL = "tech.kwik.core.stream.StreamOutputStreamImpl";
    /** Rounds of check and request: each round that finds the stream stuck again needs the same race once more. */
    private static final int ROUNDS = 8;

    private static final Class<?> OUTPUT;
    private static final Field QUEUED;
    private static final Field BUFFER;
    private static final Field RETRANSMIT;
    private static final Field FLOW_CONTROL;
    private static final Field STREAM;
    private static final Field OFFSET;
    private static final Method SCHEDULE;

    static {
        Class<?> output = null;
        Field queued = null;
        Field buffer = null;
        Field retransmit = null;
        Field flowControl = null;
        Field stream = null;
        Field offset = null;
        Method schedule = null;
        try {
            output = Class.forName(IMPL);
            queued = KwikInternals.field(output, "sendRequestsQueued");
            buffer = KwikInternals.field(output, "sendBuffer");
            retransmit = KwikInternals.field(output, "retransmitBuffer");
            flowControl = KwikInternals.field(output, "flowController");
            stream = KwikInternals.field(output, "quicStream");
            offset = KwikInternals.field(output, "currentOffset");
            schedule = output.getDeclaredMethod("scheduleSendStreamFrameRequest", boolean.class);
            schedule.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("kwik's stream output is not as expected ({}); a stream write may wait for the next one", e.toString());
            output = null;
        }
        OUTPUT = output;
        QUEUED = queued;
        BUFFER = buffer;
        RETRANSMIT = retransmit;
        FLOW_CONTROL = flowControl;
        STREAM = stream;
        OFFSET = offset;
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

    /**
     * No send request counted, and something the sender would send now: lost data, or buffered data within the
     * flow-control credit, or the end of the stream alone.
     */
    static boolean isStuck(OutputStream out) throws IllegalAccessException {
        if (((AtomicInteger) QUEUED.get(out)).get() > 0) {
            return false;
        }
        if (((RetransmitBuffer) RETRANSMIT.get(out)).hasDataToRetransmit()) {
            return true;
        }
        SendBuffer buffer = (SendBuffer) BUFFER.get(out);
        return buffer.hasData() && (buffer.getAvailableBytes() == 0 || hasCredit(out));
    }

    /**
     * Whether flow control lets the stream send beyond its offset. The offset is the sender's (read here unsynchronized,
     * so possibly stale, which is lower and only makes a request one too many); a stream whose flow control ended (its
     * last frame sent) has none.
     */
    static boolean hasCredit(OutputStream out) throws IllegalAccessException {
        try {
            long limit = ((FlowControl) FLOW_CONTROL.get(out)).getFlowControlLimit((QuicStream) STREAM.get(out));
            return limit > OFFSET.getLong(out);
        } catch (NullPointerException streamClosed) {
            return false;
        }
    }
}
