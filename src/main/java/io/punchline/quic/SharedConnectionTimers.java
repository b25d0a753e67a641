package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One scheduler for the idle timers and loss-detection timers of many kwik connections (RFC 9000 section 10.1, idle
 * timeout; RFC 9002 section 6.2, the loss-detection timer), where kwik 0.10.8 gives each connection two scheduler threads
 * of its own.
 *
 * <p>Why: a relay holds thousands of client connections (issue 14). Measured with 1,000 idle bind sessions
 * (docs/BENCHMARKS.md, "Relay under load"), kwik's 1,000 {@code idle-timer} threads, each waking every second to compare
 * two instants, took 9.5 % of a core of the relay's 18.4 %: on this machine a thread's timed wake-up costs about 0.1
 * CPU-ms. Here both timers of a connection run on one shared thread, and the idle check runs every
 * {@link #IDLE_CHECK_PERIOD} instead of every second, at the same instants for every connection, so that all of them
 * cost one wake-up: a connection idle for its whole timeout (the relay's is 60 s) is closed up to 5 s later than
 * before, and nothing else changes (the loss-detection timer's times and kwik's handling of both timers are kwik's
 * own). Two threads fewer per connection. (One thread rather than several: a shared queue's threads hand the lead to
 * each other, two wake-ups per task.)
 *
 * <p>Each connection gets its own {@link ConnectionScheduler} over the shared pool, so that kwik shutting a
 * connection's timers down (it does when the connection closes) cancels that connection's tasks and no other's. Like
 * {@link CongestionControllerSwap}, this reaches kwik's internals by reflection (the idle timer's {@code timer}, the
 * recovery manager's {@code scheduler}); if an upgrade moved them it logs once and leaves the connection with kwik's own
 * threads.
 */
public final class SharedConnectionTimers implements AutoCloseable {

    /** How often a connection on the shared timers checks whether it has been idle for its whole timeout. */
    public static final Duration IDLE_CHECK_PERIOD = Duration.ofSeconds(5);
    static final int THREADS = 1;
    /** How long kwik's own timer threads wait idle before they end, once their connection uses the shared pool. */
    static final Duration RETIRED_KEEP_ALIVE = Duration.ofMillis(200);

    private static final Logger LOG = LoggerFactory.getLogger(SharedConnectionTimers.class);

    private final ScheduledThreadPoolExecutor pool;
    private final Duration idleCheckPeriod;
    private volatile boolean warned;

    /** A pool whose threads are named {@code threadName-N}, daemons; idle checks every {@link #IDLE_CHECK_PERIOD}. */
    public SharedConnectionTimers(String threadName) {
        this(threadName, IDLE_CHECK_PERIOD);
    }

    SharedConnectionTimers(String threadName, Duration idleCheckPeriod) {
        this.idleCheckPeriod = idleCheckPeriod;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ScheduledThreadPoolExecutor(THREADS, runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.setRemoveOnCancelPolicy(true); // kwik cancels and re-arms its loss-detection timer at every ACK
    }

    /**
     * Moves {@code connection}'s idle timer and loss-detection timer to the shared pool and lets the two threads kwik
     * started for them end; returns whether it could. Call once the handshake is done (the idle timeout is then known).
     *
     * <p>kwik's own executors are not shut down, only left to lose their thread once idle ({@link #retire}): kwik's
     * sender thread may still hold the old scheduler for a moment after the swap (the field is written here, on another
     * thread, without a lock kwik takes), and a loss-detection timer armed on a shut-down executor is refused with an
     * exception that ends kwik's sender, and with it every answer on the connection (seen once in a test run: a relay
     * request unanswered until the connection idled out).
     */
    public boolean apply(QuicConnection connection) {
        try {
            Object idleTimer = KwikInternals.field(connection.getClass(), "idleTimer").get(connection);
            Object sender = KwikInternals.sender(connection);
            Object recovery = KwikInternals.field(sender.getClass(), "recoveryManager").get(sender);
            Field idleTimerTimer = KwikInternals.field(idleTimer.getClass(), "timer");
            Field recoveryScheduler = KwikInternals.field(recovery.getClass(), "scheduler");
            ScheduledExecutorService idleOwn = (ScheduledExecutorService) idleTimerTimer.get(idleTimer);
            ScheduledExecutorService recoveryOwn = (ScheduledExecutorService) recoveryScheduler.get(recovery);
            if (idleOwn instanceof ConnectionScheduler) {
                return true; // applied before
            }
            Method enabled = method(idleTimer.getClass(), "isEnabled");
            Method timeout = method(idleTimer.getClass(), "getIdleTimeout");
            Method setTimeout = method(idleTimer.getClass(), "setIdleTimeout", long.class);

            recoveryScheduler.set(recovery, new ConnectionScheduler(pool, Duration.ZERO));
            retire(recoveryOwn); // a loss-detection task already armed there still runs, then its thread ends
            idleTimerTimer.set(idleTimer, new ConnectionScheduler(pool, idleCheckPeriod));
            if ((Boolean) enabled.invoke(idleTimer)) {
                // re-arms the periodic idle check: cancels the one on kwik's own timer, schedules it on the shared one
                setTimeout.invoke(idleTimer, (Long) timeout.invoke(idleTimer));
            }
            retire(idleOwn);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("kwik's connection timers are not as expected ({}): connections keep their own timer threads",
                        e.toString());
            }
            return false;
        }
    }

    /**
     * Lets kwik's own executor lose its thread once it has nothing to run (a task scheduled there late still runs, on a
     * thread started for it and ended after it).
     */
    private static void retire(ScheduledExecutorService own) {
        if (own instanceof ThreadPoolExecutor executor) {
            executor.setKeepAliveTime(RETIRED_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
            executor.allowCoreThreadTimeOut(true);
        }
    }

    /** Tasks waiting on the shared pool, all connections together. */
    int waitingTasks() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }


    private static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
        Method method = type.getDeclaredMethod(name, parameters);
        method.setAccessible(true);
        return method;
    }

    /**
     * One connection's view of the shared pool: what kwik schedules on it goes to the pool, and shutting it down cancels
     * this connection's periodic tasks only. Periodic tasks run at least {@code minimumPeriod} apart.
     */
    static final class ConnectionScheduler extends AbstractExecutorService implements ScheduledExecutorService {

        private final ScheduledExecutorService pool;
        private final long minimumPeriodNanos;
        private final Set<ScheduledFuture<?>> tasks = ConcurrentHashMap.newKeySet();
        private volatile boolean shutdown;

        ConnectionScheduler(ScheduledExecutorService pool, Duration minimumPeriod) {
            this.pool = pool;
            this.minimumPeriodNanos = minimumPeriod.toNanos();
        }

        /** A task to run once; like a JDK scheduler's after {@code shutdown()}, it still runs if it was scheduled before. */
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            rejectIfShutdown();
            return pool.schedule(command, delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            rejectIfShutdown();
            return pool.schedule(callable, delay, unit);
        }

        /**
         * Runs {@code command} every {@code period}, at least {@code minimumPeriod} apart, at times on a grid of that
         * period shared by every connection (the first run at the first grid point after {@code initialDelay}): the
         * periodic idle checks of all connections then run in one burst, one wake-up of the pool's thread.
         */
        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            long periodNanos = Math.max(unit.toNanos(period), minimumPeriodNanos);
            long initialNanos = toGrid(Math.max(unit.toNanos(initialDelay), 0), periodNanos);
            return track(() -> pool.scheduleAtFixedRate(command, initialNanos, periodNanos, TimeUnit.NANOSECONDS));
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                         TimeUnit unit) {
            long delayNanos = Math.max(unit.toNanos(delay), minimumPeriodNanos);
            long initialNanos = toGrid(Math.max(unit.toNanos(initialDelay), 0), delayNanos);
            return track(() -> pool.scheduleWithFixedDelay(command, initialNanos, delayNanos, TimeUnit.NANOSECONDS));
        }

        /** The delay from now to the first multiple of {@code period} (on the scale of {@code nanoTime}) after {@code delay}. */
        private static long toGrid(long delay, long period) {
            long at = System.nanoTime() + delay;
            return delay + Math.floorMod(-at, period);
        }

        @Override
        public void execute(Runnable command) {
            schedule(command, 0, TimeUnit.NANOSECONDS);
        }

        /**
         * Cancels this connection's periodic tasks (a run in progress finishes); tasks to run once still run, as a JDK
         * scheduler's do after {@code shutdown()} (kwik re-arms its loss-detection timer at every ACK, so those are not
         * tracked). Scheduling afterwards is refused.
         */
        @Override
        public void shutdown() {
            shutdown = true;
            tasks.forEach(task -> task.cancel(false));
            tasks.clear();
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

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdown;
        }

        /** Periodic tasks of this connection not cancelled. */
        int waitingTasks() {
            tasks.removeIf(ScheduledFuture::isDone);
            return tasks.size();
        }

        private void rejectIfShutdown() {
            if (shutdown) {
                throw new RejectedExecutionException("the connection's timers are shut down");
            }
        }

        private <F extends ScheduledFuture<?>> F track(Supplier<F> scheduling) {
            rejectIfShutdown();
            tasks.removeIf(ScheduledFuture::isDone);
            F task = scheduling.get();
            tasks.add(task);
            if (shutdown) {
                task.cancel(false); // shut down while this was being scheduled
            }
            return task;
        }
    }
}
