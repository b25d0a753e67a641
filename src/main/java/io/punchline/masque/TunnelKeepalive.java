package io.punchline.masque;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a bind's tunnel busy on a relay that may close idle requests (RFC 9298 section 3.3: after at least two
 * minutes without traffic): while the bind sends nothing, {@code ping} runs every {@link #INTERVAL} (the bind sends
 * itself one byte through the relay). A relay that answered {@link BindHeaders#BIND_KEPT} (Punchline's) keeps the bind
 * without, and its clients start none: their QUIC keepalives are all an idle session costs it. All binds share one
 * timer thread.
 */
final class TunnelKeepalive {

    static final Duration INTERVAL = Duration.ofSeconds(45);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bind-keepalive");
        thread.setDaemon(true);
        return thread;
    });

    private final ScheduledFuture<?> task;
    private volatile long lastSendNanos = System.nanoTime();

    private TunnelKeepalive(Runnable ping) {
        this.task = TIMER.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastSendNanos >= INTERVAL.toNanos() / 2) {
                ping.run();
            }
        }, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts keeping a tunnel busy with {@code ping}, the bind's one byte to itself. */
    static TunnelKeepalive start(Runnable ping) {
        return new TunnelKeepalive(ping);
    }

    /** The bind sent something: no keepalive for a while. */
    void sent() {
        lastSendNanos = System.nanoTime();
    }

    void stop() {
        task.cancel(false);
    }
}
