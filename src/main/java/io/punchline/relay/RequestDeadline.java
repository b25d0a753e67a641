package io.punchline.relay;

import io.punchline.masque.Http3ErrorCodes;
import tech.kwik.core.QuicStream;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The time one request stream has to deliver its headers and, for POSTs, its body. When it runs out the relay stops
 * reading the stream (STOP_SENDING with H3_REQUEST_INCOMPLETE, RFC 9114 section 8.1), which wakes the worker thread
 * blocked in a read with an {@link java.io.IOException}; the worker then answers 408 if it has the headers, else resets
 * the stream, and is free again. Met once the request is read whole; a CONNECT tunnel then lives by its idle timeout.
 */
final class RequestDeadline {

    private enum State { PENDING, MET, EXPIRED }

    private final AtomicReference<State> state = new AtomicReference<>(State.PENDING);
    private final ScheduledFuture<?> timer;

    private RequestDeadline(QuicStream stream, Duration limit, ScheduledExecutorService scheduler, Runnable onExpiry) {
        this.timer = scheduler.schedule(() -> {
            if (state.compareAndSet(State.PENDING, State.EXPIRED)) {
                onExpiry.run();
                stream.abortReading(Http3ErrorCodes.H3_REQUEST_INCOMPLETE);
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    static RequestDeadline start(QuicStream stream, Duration limit, ScheduledExecutorService scheduler,
                                 Runnable onExpiry) {
        return new RequestDeadline(stream, limit, scheduler, onExpiry);
    }

    /** The request has been read whole: the deadline no longer applies. False when it had already expired. */
    boolean met() {
        timer.cancel(false);
        return state.compareAndSet(State.PENDING, State.MET) || state.get() == State.MET;
    }

    /** Whether the deadline ran out before the request was read. */
    boolean hasExpired() {
        return state.get() == State.EXPIRED;
    }
}
