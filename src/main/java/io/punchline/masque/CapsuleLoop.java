package io.punchline.masque;

import io.punchline.quic.StreamArrivals;
import io.punchline.wire.WireFormatException;
import tech.kwik.core.QuicStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The capsule loop of one request stream (RFC 9297 section 3.2, after the HEADERS) without a thread of its own: kwik
 * tells when the stream has something ({@link StreamArrivals}), and a task on a shared executor reads what is there
 * without blocking, decodes its frames ({@link RequestStreamFrames}) and capsules ({@link CapsuleParser}) and hands
 * them to the {@link TunnelStream.Receiver}, in stream order. Runs of the task never overlap: an arrival while one runs
 * makes it go round once more. Ends as {@link TunnelStream#readCapsules(RequestStreamReader, int, BooleanSupplier,
 * TunnelStream.Receiver)} does: exactly one of the receiver's end methods, except when {@code stopped} says so.
 */
final class CapsuleLoop {

    /** One read buffer per executor thread, not per stream: an idle stream holds none. */
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[RequestStreamReader.CHUNK]);

    private final InputStream in;
    private final Executor executor;
    private final BooleanSupplier stopped;
    private final TunnelStream.Receiver receiver;
    private final RequestStreamFrames frames;
    private final CapsuleParser parser = new CapsuleParser();
    /** Arrivals not yet looked at; the one that finds it at 0 starts a run. */
    private final AtomicInteger arrivals = new AtomicInteger();
    private volatile StreamArrivals.Watch watch;
    private volatile boolean done;

    private CapsuleLoop(InputStream in, int maxHeaders, BooleanSupplier stopped, TunnelStream.Receiver receiver,
                        Executor executor) {
        this.in = in;
        this.executor = executor;
        this.stopped = stopped;
        this.receiver = receiver;
        this.frames = new RequestStreamFrames(maxHeaders);
    }

    /**
     * Starts the loop on {@code stream}, whose input is at a frame boundary; false, with nothing started, when kwik
     * does not let the stream be watched.
     */
    static boolean start(QuicStream stream, int maxHeaders, BooleanSupplier stopped, TunnelStream.Receiver receiver,
                         Executor executor) {
        CapsuleLoop loop = new CapsuleLoop(stream.getInputStream(), maxHeaders, stopped, receiver, executor);
        StreamArrivals.Watch watch = StreamArrivals.watch(stream, loop::arrived);
        if (watch == null) {
            return false;
        }
        loop.watch = watch;
        loop.arrived(); // what came before the watch
        return true;
    }

    private void arrived() {
        if (done || arrivals.getAndIncrement() > 0) {
            return;
        }
        try {
            executor.execute(this::run);
        } catch (RejectedExecutionException e) {
            // the count stays above 0: no run is ever started again
            done = true;
            receiver.onFailure(new IOException("no thread free to read the request stream (busy)"));
        }
    }

    private void run() {
        int seen = 1;
        do {
            readWhatIsThere();
            seen = arrivals.addAndGet(-seen);
        } while (seen > 0);
    }

    private void readWhatIsThere() {
        StreamArrivals.Watch readiness = watch;
        if (readiness == null) {
            return; // an arrival before start() set the watch: start() goes round itself
        }
        byte[] buffer = BUFFERS.get();
        try {
            while (!done) {
                if (stopped.getAsBoolean()) {
                    done = true;
                    return;
                }
                if (!readiness.readable()) {
                    return;
                }
                int read = in.read(buffer, 0, buffer.length); // returns at once: bytes, the end or an exception
                if (read < 0) {
                    done = true;
                    frames.finish();
                    parser.finish();
                    receiver.onEnd();
                    return;
                }
                ByteBuffer piece = ByteBuffer.wrap(buffer, 0, read);
                for (ByteBuffer payload; (payload = frames.nextPayload(piece)) != null; ) {
                    for (Capsule capsule : parser.feed(payload)) {
                        receiver.onCapsule(capsule);
                    }
                }
            }
        } catch (WireFormatException | ReplyBacklogExceededException e) {
            done = true;
            receiver.onMalformed(e);
        } catch (IOException e) {
            done = true;
            receiver.onFailure(e);
        }
    }
}
