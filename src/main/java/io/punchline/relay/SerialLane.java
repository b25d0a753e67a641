package io.punchline.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks of one connection or tunnel run one at a time and in order, on a pool that many lanes share: the relay's
 * sessions cost no thread of their own for their datagrams (issue 14, lean sessions). The lane holds at most
 * {@code capacity} waiting tasks; a task beyond that, or one the pool refuses, is dropped and {@code onDrop} runs, as a
 * router drops a datagram its queue has no room for (RFC 9221 section 5: DATAGRAM frames may be dropped).
 *
 * <p>A lane gives the pool back after {@value #BATCH} tasks, so one busy lane does not keep a thread from the others.
 * It is an {@link java.util.concurrent.ExecutorService} because kwik's datagram handler asks for one.
 */
final class SerialLane extends AbstractExecutorService {

    private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);
    static final int BATCH = 64;

    private final Executor pool;
    private final int capacity;
    private final Runnable onDrop;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean shutdown;

    SerialLane(Executor pool, int capacity, Runnable onDrop) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.pool = pool;
        this.capacity = capacity;
        this.onDrop = onDrop;
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            return; // the connection is gone: its last datagrams have nowhere to go
        }
        if (waitingCount.incrementAndGet() > capacity) {
            waitingCount.decrementAndGet();
            onDrop.run();
            return;
        }
        waiting.add(task);
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the pool is full or shutting down: what waits is dropped, a later task tries again
            for (Runnable dropped; (dropped = waiting.poll()) != null; ) {
                waitingCount.decrementAndGet();
                if (!shutdown) {
                    onDrop.run();
                }
            }
            scheduled.set(false);
        }
    }

    private void drain() {
        for (int ran = 0; ran < BATCH && !shutdown; ran++) {
            Runnable task = waiting.poll();
            if (task == null) {
                break;
            }
            waitingCount.decrementAndGet();
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("a relay task failed", e);
            }
        }
        scheduled.set(false);
        // a task added after the last poll saw the lane still scheduled and left it to us
        if (!waiting.isEmpty() && !shutdown) {
            schedule();
        }
    }

    /** Tasks waiting now. */
    int waiting() {
        return waitingCount.get();
    }

    @Override
    public void shutdown() {
        shutdown = true;
        waiting.clear();
        waitingCount.set(0);
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    /** Shut down means done: a task that is running when the lane shuts down finishes on its own. */
    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }
}
