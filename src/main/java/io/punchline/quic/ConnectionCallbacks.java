package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.impl.QuicConnectionImpl;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits until a kwik 0.10.8 connection has delivered the listener events it has already emitted.
 *
 * <p>Why: kwik hands {@code ConnectionListener} events to a per-connection callback thread, so a caller can learn that
 * the connection failed before it learns why. Seen with a relay at its connection cap: it closes a new connection with
 * H3_EXCESSIVE_LOAD right after the handshake; when the client's receiver processes that close before the thread in
 * {@code connect()} has looked at the connection's state, {@code connect()} throws a bare "Handshake error" while the
 * termination event that says "relay busy" is still queued. The callback thread runs its tasks in order, so once a
 * task queued after the event has run, the event has been delivered. Reached by reflection like the other kwik
 * adaptations here; if an upgrade renames the field, this logs once and returns at once.
 */
public final class ConnectionCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCallbacks.class);
    private static volatile boolean warned;

    private ConnectionCallbacks() {
    }

    /** Returns once every event emitted so far on {@code connection} has been handed to its listener, or after {@code max}. */
    public static void awaitDelivered(QuicConnection connection, Duration max) {
        ExecutorService callbacks;
        try {
            callbacks = (ExecutorService) KwikInternals.field(QuicConnectionImpl.class, "callbackThread").get(connection);
        } catch (ReflectiveOperationException | ClassCastException | IllegalArgumentException e) {
            if (!warned) {
                warned = true;
                LOG.warn("kwik's connection callbacks are not as expected ({}); a refusal may be reported without its "
                        + "reason", e.toString());
            }
            return;
        }
        try {
            callbacks.submit(() -> { }).get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException terminated) {
            awaitTermination(callbacks, max); // the connection has ended: its queued events still run, then the thread stops
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("connection callbacks not delivered within {}: {}", max, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitTermination(ExecutorService callbacks, Duration max) {
        try {
            callbacks.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
