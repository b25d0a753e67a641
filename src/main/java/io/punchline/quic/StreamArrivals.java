package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicStream;
import tech.kwik.core.stream.ReceiveBuffer;
import tech.kwik.core.stream.StreamElement;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Tells when a kwik stream's input can be read without blocking, so that a long-lived stream (a CONNECT-UDP request
 * stream, RFC 9297 section 3.2) costs no thread of its own while it waits (issue 14, lean sessions).
 *
 * <p>Why: kwik 0.10.8's stream input has only a blocking {@code read}, and nothing calls back when a STREAM or
 * RESET_STREAM frame arrives. What it does have is the interface behind that input, {@code ReceiveBuffer}: the
 * receiver thread adds each STREAM frame to it ({@code StreamInputStreamImpl.addDataFrom}), and a RESET_STREAM or our
 * own {@code abortReading} discards it, both under the input's {@code addMonitor}. {@link #watch} puts a
 * {@code ReceiveBuffer} in front of the stream's own that passes everything on and then runs a callback, which must
 * only schedule the reading elsewhere (it runs on kwik's receiver thread, inside that monitor). The field is reached
 * by reflection, as {@link StreamSendGuard} does; if an upgrade changes it, {@link #watch} logs once and returns null,
 * and the caller reads with a thread as before.
 *
 * <p>Not signalled through the buffer: the end of the whole connection ({@code abort}), which callers learn from the
 * connection's listener; {@link Watch#readable()} still says so, as it says so of a reset that came before the watch.
 */
public final class StreamArrivals {

    private static final Logger LOG = LoggerFactory.getLogger(StreamArrivals.class);
    private static final String IMPL = "tech.kwik.core.stream.StreamInputStreamImpl";

    private static final Class<?> INPUT;
    private static final Field BUFFER;
    private static final Field MONITOR;
    /** The input's own flags: set, a read throws at once. */
    private static final Field[] ENDED;

    static {
        Class<?> input = null;
        Field buffer = null;
        Field monitor = null;
        Field[] ended = null;
        try {
            input = Class.forName(IMPL);
            buffer = KwikInternals.field(input, "receiveBuffer");
            monitor = KwikInternals.field(input, "addMonitor");
            ended = new Field[]{KwikInternals.field(input, "reset"), KwikInternals.field(input, "closed"),
                    KwikInternals.field(input, "aborted")};
            if (buffer.getType() != ReceiveBuffer.class) {
                throw new NoSuchFieldException("receiveBuffer is a " + buffer.getType().getName());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("kwik's stream input is not as expected ({}); request streams are read with a thread each",
                    e.toString());
            input = null;
        }
        INPUT = input;
        BUFFER = buffer;
        MONITOR = monitor;
        ENDED = ended;
    }

    private StreamArrivals() {
    }

    /** A stream's input under watch. */
    public interface Watch {
        /**
         * Whether a read of the stream's input returns at once: with bytes, with the end of the stream, or with an
         * exception (reset by the peer, or reading aborted here).
         */
        boolean readable();
    }

    /**
     * Runs {@code onArrival} each time data, the end of the stream or its reset reaches {@code stream}'s input, from
     * now on; what arrived before is readable at once ({@link Watch#readable()}). {@code onArrival} runs on kwik's
     * receiver thread and must not block or read. Null when kwik's internals are not as expected, or the stream has
     * no input of kwik's own (it is watched already, or not kwik's).
     */
    public static Watch watch(QuicStream stream, Runnable onArrival) {
        InputStream in = stream.getInputStream();
        if (INPUT == null || !INPUT.isInstance(in)) {
            return null;
        }
        try {
            Object monitor = MONITOR.get(in);
            synchronized (monitor) {
                Object current = BUFFER.get(in);
                if (current instanceof Observed) {
                    return null;
                }
                Observed observed = new Observed(in, (ReceiveBuffer) current, monitor, onArrival);
                BUFFER.set(in, observed);
                return observed;
            }
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.debug("could not watch stream {}: {}", stream.getStreamId(), e.toString());
            return null;
        }
    }

    /** kwik's buffer, passed through; {@link #add} and {@link #discardAllData} tell the watcher afterwards. */
    private static final class Observed implements ReceiveBuffer, Watch {
        private final InputStream input;
        private final ReceiveBuffer buffer;
        private final Object monitor;
        private final Runnable onArrival;
        private volatile boolean discarded;

        Observed(InputStream input, ReceiveBuffer buffer, Object monitor, Runnable onArrival) {
            this.input = input;
            this.buffer = buffer;
            this.monitor = monitor;
            this.onArrival = onArrival;
        }

        @Override
        public boolean readable() {
            if (discarded || ended()) {
                return true;
            }
            synchronized (monitor) {
                return buffer.bytesAvailable() > 0 || buffer.allRead();
            }
        }

        /**
         * Reset by the peer, closed or aborted here: kwik sets these before it discards the buffer, so a reset that
         * came before the watch, when nothing told the watcher, is seen here.
         */
        private boolean ended() {
            try {
                for (Field flag : ENDED) {
                    if (flag.getBoolean(input)) {
                        return true;
                    }
                }
                return false;
            } catch (IllegalAccessException e) {
                return false; // cannot be: the fields were made accessible when the class loaded
            }
        }

        @Override
        public boolean add(StreamElement frame) {
            boolean added = buffer.add(frame);
            onArrival.run();
            return added;
        }

        @Override
        public void discardAllData() {
            buffer.discardAllData();
            // kwik marks the input reset or closed before it discards: a read now throws at once
            discarded = true;
            onArrival.run();
        }

        @Override
        public long bytesAvailable() {
            return buffer.bytesAvailable();
        }

        @Override
        public boolean allRead() {
            return buffer.allRead();
        }

        @Override
        public int read(ByteBuffer out) {
            return buffer.read(out);
        }

        @Override
        public boolean allDataReceived() {
            return buffer.allDataReceived();
        }

        @Override
        public long readOffset() {
            return buffer.readOffset();
        }
    }
}
