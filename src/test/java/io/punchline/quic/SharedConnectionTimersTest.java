package io.punchline.quic;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.impl.QuicClientConnectionImpl;
import tech.kwik.core.server.ApplicationProtocolConnection;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SharedConnectionTimers} on real kwik connections: kwik's own timer threads end, an idle connection is still
 * closed by its idle timeout and leaves no task behind, loss detection still sends probes; and one connection's
 * scheduler shutting down leaves the others' tasks alone.
 */
@Timeout(60)
class SharedConnectionTimersTest {

    private static final String ALPN = "shared-timers-test";
    private static final Duration IDLE_CHECK = Duration.ofMillis(100);

    private final SharedConnectionTimers timers = new SharedConnectionTimers("test-quic-timers", IDLE_CHECK);
    private KwikTestPair pair;

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
        timers.close();
    }

    @Test
    void kwiksOwnTimerThreadsEndButStillRunWhatIsScheduledThereOnceAServerConnectionsTimersAreShared() throws Exception {
        AtomicReference<ScheduledExecutorService[]> own = new AtomicReference<>();
        AtomicReference<Boolean> applied = new AtomicReference<>();
        CountDownLatch created = new CountDownLatch(1);
        pair = KwikTestPair.connect(ALPN, (protocol, connection) -> {
            own.set(ownTimers(connection));
            applied.set(timers.apply(connection));
            assertThat(timers.apply(connection)).as("applying twice is harmless").isTrue();
            created.countDown();
            return new ApplicationProtocolConnection() { };
        }, connecting -> { });
        assertThat(created.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(applied.get()).isTrue();
        for (ScheduledExecutorService executor : own.get()) {
            ThreadPoolExecutor pool = (ThreadPoolExecutor) executor;
            await(() -> pool.getPoolSize() == 0, "kwik's own timer thread ended: " + executor);
            // kwik's sender may still hold its old scheduler a moment after the swap: what it arms there must run,
            // never be refused (a refusal ends kwik's sender thread)
            assertThat(executor.isShutdown()).isFalse();
            CountDownLatch ran = new CountDownLatch(1);
            executor.schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
            assertThat(ran.await(5, TimeUnit.SECONDS)).as("a late task on kwik's own timer ran").isTrue();
            await(() -> pool.getPoolSize() == 0, "and its thread ended again");
        }
        assertThat(timers.waitingTasks()).as("the server connection's periodic idle check, and its loss-detection timer "
                + "if armed").isBetween(1, 2);
        await(() -> timers.waitingTasks() == 1, "once acknowledged, only the periodic idle check waits");
    }

    @Test
    void anIdleConnectionIsStillClosedAfterItsIdleTimeoutAndLeavesNoTaskBehind() throws Exception {
        AtomicLong closedAt = new AtomicLong();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<QuicConnection> server = new AtomicReference<>();
        AtomicReference<Object> applied = new AtomicReference<>();
        // Both ends get the ACK-and-PING loop guard, as every relay-hop connection has it: without it a quiet loopback
        // connection can fall into kwik's endless exchange of delayed ACKs carrying PINGs and is never idle (a gate of
        // 2026-12-04: the server's last packet had arrived 9 ms before the 20 s wait ran out).
        pair = KwikTestPair.connect(ALPN, (protocol, connection) -> {
            try {
                AckPingLoopGuard.apply(connection);
                applied.set(timers.apply(connection)); // where the relay applies them: on kwik's receiver thread
            } catch (Throwable e) {
                applied.set(e);
            }
            connection.setConnectionListener(event -> {
                closedAt.set(System.nanoTime());
                closed.countDown();
            });
            server.set(connection);
            return new ApplicationProtocolConnection() { };
        }, builder -> builder.maxIdleTimeout(Duration.ofSeconds(1)), AckPingLoopGuard::apply);
        long connected = System.nanoTime();
        await(() -> server.get() != null, "the server finished its handshake");
        assertThat(applied.get()).as("the shared timers applied").isEqualTo(true);

        assertThat(closed.await(20, TimeUnit.SECONDS)).as(() -> "the server closed the idle connection; its idle timer: "
                + idleState(server.get())).isTrue();
        assertThat(Duration.ofNanos(closedAt.get() - connected)).as("not before the idle timeout")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        await(() -> timers.waitingTasks() == 0, "the closed connection's idle check cancelled");
    }

    /** kwik's view of a connection's idleness, for a failure's message. */
    private String idleState(QuicConnection connection) {
        try {
            Object idleTimer = KwikInternals.field(connection.getClass(), "idleTimer").get(connection);
            return "enabled " + KwikInternals.field(idleTimer.getClass(), "enabled").get(idleTimer)
                    + ", timeout " + KwikInternals.field(idleTimer.getClass(), "timeout").get(idleTimer)
                    + " ms, last action " + KwikInternals.field(idleTimer.getClass(), "lastAction").get(idleTimer)
                    + " at " + KwikInternals.field(idleTimer.getClass(), "lastActionTime").get(idleTimer)
                    + " (now " + Instant.now() + "), PTO " + KwikInternals.sender(connection).getPto()
                    + " ms, timer " + KwikInternals.field(idleTimer.getClass(), "timer").get(idleTimer)
                    + ", tasks on the shared pool " + timers.waitingTasks();
        } catch (ReflectiveOperationException e) {
            return "not readable (" + e + ")";
        }
    }

    @Test
    void lossDetectionOnTheSharedPoolStillSendsProbesWhenNoAckComes() throws Exception {
        DeafSocket socket = new DeafSocket();
        pair = KwikTestPair.connect(ALPN, (protocol, connection) -> new ApplicationProtocolConnection() { },
                builder -> builder.socketFactory(address -> socket), connecting -> { });
        assertThat(timers.apply(pair.client())).isTrue();

        socket.deaf = true; // the client hears no ACK: only its loss-detection timer makes it send again
        ((QuicClientConnectionImpl) pair.client()).ping();
        await(() -> socket.sentWhileDeaf.get() >= 3, "the PING and at least two probes sent");
    }

    @Test
    void oneConnectionsSchedulerShuttingDownCancelsItsTasksOnly() throws Exception {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1);
        try {
            SharedConnectionTimers.ConnectionScheduler first =
                    new SharedConnectionTimers.ConnectionScheduler(pool, Duration.ZERO);
            SharedConnectionTimers.ConnectionScheduler second =
                    new SharedConnectionTimers.ConnectionScheduler(pool, Duration.ofMillis(200));
            AtomicInteger firstRuns = new AtomicInteger();
            AtomicInteger secondRuns = new AtomicInteger();
            first.scheduleAtFixedRate(firstRuns::incrementAndGet, 10, 10, TimeUnit.MILLISECONDS);
            long scheduled = System.nanoTime();
            second.scheduleAtFixedRate(secondRuns::incrementAndGet, 1, 1, TimeUnit.MILLISECONDS);

            first.shutdown();
            assertThat(first.isShutdown()).isTrue();
            assertThat(first.waitingTasks()).isZero();
            int runsAtShutdown = firstRuns.get();
            await(() -> secondRuns.get() >= 2, "the other connection's periodic task runs on");
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scheduled);
            assertThat(secondRuns.get()).as("runs of a 1 ms task raised to a 200 ms period, in %d ms", elapsedMillis)
                    .isLessThanOrEqualTo((int) (elapsedMillis / 200) + 2);
            assertThat(firstRuns.get()).as("no run after shutdown").isLessThanOrEqualTo(runsAtShutdown + 1);
            assertThatThrownBy(() -> first.schedule(() -> { }, 1, TimeUnit.MILLISECONDS))
                    .hasMessageContaining("shut down");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void periodicTasksOfDifferentConnectionsRunAtTheSameInstants() throws Exception {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1);
        try {
            Duration period = Duration.ofMillis(500);
            SharedConnectionTimers.ConnectionScheduler first = new SharedConnectionTimers.ConnectionScheduler(pool, period);
            SharedConnectionTimers.ConnectionScheduler second = new SharedConnectionTimers.ConnectionScheduler(pool, period);
            ScheduledFuture<?> early = first.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.SECONDS);
            Thread.sleep(120);
            ScheduledFuture<?> late = second.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.SECONDS);
            long apart = Math.abs(early.getDelay(TimeUnit.MILLISECONDS) - late.getDelay(TimeUnit.MILLISECONDS)) % 1000;
            assertThat(Math.min(apart, 1000 - apart)).as("ms between the two tasks' runs on their 1 s period, scheduled "
                    + "120 ms apart").isLessThanOrEqualTo(5);
            assertThat(late.getDelay(TimeUnit.MILLISECONDS)).as("not before the initial delay").isGreaterThan(990);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ScheduledExecutorService[] ownTimers(QuicConnection connection) {
        try {
            Object idleTimer = KwikInternals.field(connection.getClass(), "idleTimer").get(connection);
            Object sender = KwikInternals.sender(connection);
            Object recovery = KwikInternals.field(sender.getClass(), "recoveryManager").get(sender);
            return new ScheduledExecutorService[] {
                    (ScheduledExecutorService) KwikInternals.field(idleTimer.getClass(), "timer").get(idleTimer),
                    (ScheduledExecutorService) KwikInternals.field(recovery.getClass(), "scheduler").get(recovery)};
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }


    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
