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
 * it gone), which kwik would only see after its 60 s idle timeout. While nothing arrives through the bind, the engine
 * sends the {@link ReflexiveAddress} echo from its socket to its own public bind address every second from
 * {@link #ECHO_AFTER} on: the relay's bind socket receives it and forwards it back through the bind. After
 * {@link #SILENT_FOR} with nothing at all the bind is closed as lost, and the engine fails over to the next relay of its
 * fleet. Only engines with a fleet run it: with one relay there is nowhere else to go.
 */
final class RelayWatch implements AutoCloseable {

    static final Duration ECHO_AFTER = Duration.ofSeconds(2);
    static final Duration SILENT_FOR = Duration.ofSeconds(6);

    private final Supplier<BindClient> bind;
    private final ReflexiveAddress echo;
    private final ScheduledFuture<?> task;
    private volatile long lastHeard = System.nanoTime();

    RelayWatch(Supplier<BindClient> bind, ReflexiveAddress echo, ScheduledExecutorService timer) {
        this.bind = bind;
        this.echo = echo;
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
                echo.echo(current.publicAddresses().get(0));
            } catch (IOException e) {
                // the engine socket is closing
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
