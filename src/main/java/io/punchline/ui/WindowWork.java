package io.punchline.ui;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The window's one way to run work off the FX thread and come back: one pool of daemon threads ({@code ui-work-N})
 * that the window owns and shuts down on close, and futures that complete on the FX thread, so whatever a caller
 * chains onto them may touch the model. Work on the engine's life (start, stop, restart, dial) runs {@link #inOrder}.
 */
final class WindowWork implements AutoCloseable {

    /** Work that returns nothing and may fail. */
    @FunctionalInterface
    interface Job {
        void run() throws Exception;
    }

    private final Executor fx;
    private final ExecutorService pool;
    private final Object order = new Object();
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    private volatile boolean closed;

    /** @param fx runs a task on the FX thread ({@code Platform::runLater}) */
    WindowWork(Executor fx) {
        this.fx = fx;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "ui-work-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs {@code update} on the FX thread, later. */
    void fx(Runnable update) {
        fx.execute(update);
    }

    /** Runs {@code work} off the FX thread; the future completes on the FX thread with its value or its failure. */
    <T> CompletableFuture<T> supply(Callable<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        pool.execute(() -> call(work, done));
        return done;
    }

    /** Runs {@code work} off the FX thread; the future completes on the FX thread. */
    CompletableFuture<Void> run(Job work) {
        return supply(() -> {
            work.run();
            return null;
        });
    }

    /** Like {@link #supply}, after all work given to this method before has ended (the engine's start and stop). */
    <T> CompletableFuture<T> inOrder(Callable<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        synchronized (order) {
            last = last.handleAsync((ignored, error) -> {
                call(work, done);
                return null;
            }, pool);
        }
        return done;
    }

    /** Someone else's future (the engine's), completed on the FX thread. */
    <T> CompletableFuture<T> onFx(CompletionStage<T> future) {
        CompletableFuture<T> done = new CompletableFuture<>();
        future.whenComplete((value, error) -> fx.execute(() -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(value);
            }
        }));
        return done;
    }

    /** Runs {@code task} off the FX thread every {@code period} (after the previous run ended) until closed. */
    void every(Duration period, Runnable task) {
        if (closed) {
            return;
        }
        CompletableFuture.delayedExecutor(period.toMillis(), TimeUnit.MILLISECONDS, pool).execute(() -> {
            try {
                task.run();
            } finally {
                every(period, task);
            }
        });
    }

    private <T> void call(Callable<T> work, CompletableFuture<T> done) {
        try {
            T value = work.call();
            fx.execute(() -> done.complete(value));
        } catch (Throwable e) {
            fx.execute(() -> done.completeExceptionally(e));
        }
    }

    /** Waits up to 5 s for the ordered work (the engine's stop), then stops every thread still working. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> pending;
        synchronized (order) {
            pending = last;
        }
        try {
            pending.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the engine's stop is best effort
        }
        pool.shutdownNow();
    }
}
