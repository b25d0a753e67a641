package io.punchline.engine;

import io.punchline.session.DataPathRehearsal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Runs the {@link DataPathRehearsal} once per process on a background thread, for an engine that waits for its peer
 * (docs/ARCHITECTURE.md, "Threads"). It gives way as soon as the engine has a real session. Its size is
 * {@value #DEFAULT_MEGABYTES} MB, or {@code -Dpunchline.rehearsal.megabytes=N} (0 leaves it out, for a benchmark that
 * compares).
 */
final class DataPathWarmUp {

    static final long DEFAULT_MEGABYTES = 128;
    private static final Logger LOG = LoggerFactory.getLogger(DataPathWarmUp.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private DataPathWarmUp() {
    }

    static void start(BooleanSupplier enough) {
        long megabytes = Long.getLong("punchline.rehearsal.megabytes", DEFAULT_MEGABYTES);
        if (megabytes <= 0 || enough.getAsBoolean() || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> {
            long started = System.nanoTime();
            try {
                long moved = DataPathRehearsal.run(megabytes * 1_000_000, enough);
                LOG.debug("data path rehearsal: {} bytes in {} ms", moved, (System.nanoTime() - started) / 1_000_000);
            } catch (Exception | LinkageError e) {
                LOG.debug("data path rehearsal failed: {}", e.toString());
            }
        }, "punchline-data-path-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}
