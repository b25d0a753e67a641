package io.punchline.engine;

import io.punchline.masque.BindClient;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Notices a relay that stopped answering without closing its connection (its process killed, its host or the path to
 * it gone), which kwik would only see after its 60 s idle timeout: while nothing arrives through the bind, the engine
 * sends itself one byte through it every second from {@link #ECHO_AFTER} on (the relay echoes it, as it does the
 * keepalive); after {@link #SILENT_FOR} with nothing at all the bind is closed as lost, and the engine fails over to
 * the next relay of its fleet. Only engines with a fleet run it: with one relay there is nowhere else to go.
 */
final class RelayWatch implements AutoCloseable {

    static final Duration ECHO_AFTER = Duration.ofSeconds(2);
    static final Duration SILENT_FOR = Duration.ofSeconds(6);
    private static final byte[] ECHO = {0};

    private final Supplier<BindClient> bind;
    private final ScheduledFuture<?> task;
    private volatile long lastHeard = System.nanoTime();

    RelayWatch(Supplier<BindClient> bind, ScheduledExecutorService timer) {
        this.bind = bind;
        this.task = timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    /** Something arrived through the bind: the relay is alive. */
    void heard() {
        lastHeard = System.nanoTime();
    }

    private void check() {
        BindClient current = bind.get();
        long silent = System.nanoTime() - lastHeard;
        if (silent >= SILENT_FOR.toNanos()) {
            heard(); // the next bind starts with a fresh count
            current.close("relay " + current.relay().authority() + " stopped answering (nothing through the bind for "
                    + SILENT_FOR.toSeconds() + " s, not even its own echo)");
        } else if (silent >= ECHO_AFTER.toNanos()) {
            try {
                current.send(current.publicAddresses().get(0), ECHO, 0, ECHO.length);
            } catch (IOException e) {
                // closed meanwhile: the rebind takes over
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
