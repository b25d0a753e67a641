package io.punchline.relay;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class SerialLaneTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void tasksOfOneLaneRunInOrderAndNeverTwoAtOnceOnAPoolOfManyThreads() throws Exception {
        SerialLane lane = new SerialLane(pool, 100_000, () -> {
        });
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(20_000);
        Thread[] producers = new Thread[1];
        producers[0] = new Thread(() -> {
            for (int i = 0; i < 20_000; i++) {
                int n = i;
                lane.execute(() -> {
                    if (running.incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    order.add(n);
                    running.decrementAndGet();
                    done.countDown();
                });
            }
        });
        producers[0].start();
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps).hasValue(0);
        for (int i = 0; i < order.size(); i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aTaskBeyondTheCapacityIsDroppedAndCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        SerialLane lane = new SerialLane(pool, 3, dropped::incrementAndGet);
        CountDownLatch blocking = new CountDownLatch(1);
        lane.execute(() -> {
            blocking.countDown();
            await(release);
        });
        assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            lane.execute(ran::incrementAndGet);
        }
        assertThat(dropped).hasValue(2);
        assertThat(lane.waiting()).isEqualTo(3);
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ran.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(ran).hasValue(3);
    }

    @Test
    void aBusyLaneGivesTheThreadBackSoAnotherLaneOnTheSamePoolRuns() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            SerialLane busy = new SerialLane(one, 10_000, () -> {
            });
            SerialLane quiet = new SerialLane(one, 10, () -> {
            });
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch gate = new CountDownLatch(1);
            busy.execute(() -> await(gate));
            for (int i = 0; i < 1000; i++) {
                busy.execute(() -> log.add("busy"));
            }
            quiet.execute(() -> log.add("quiet"));
            gate.countDown();
            CountDownLatch end = new CountDownLatch(1);
            busy.execute(end::countDown);
            assertThat(end.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(log.indexOf("quiet")).as("after at most one batch of the busy lane")
                    .isBetween(0, SerialLane.BATCH);
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void whatThePoolRefusesIsDroppedAndALaterTaskRunsOnceItTakesWorkAgain() throws Exception {
        AtomicInteger dropped = new AtomicInteger();
        boolean[] refuse = {true};
        java.util.concurrent.Executor picky = task -> {
            if (refuse[0]) {
                throw new RejectedExecutionException("full");
            }
            pool.execute(task);
        };
        SerialLane lane = new SerialLane(picky, 10, dropped::incrementAndGet);
        lane.execute(() -> {
        });
        assertThat(dropped).hasValue(1);
        assertThat(lane.waiting()).isZero();
        refuse[0] = false;
        CountDownLatch ran = new CountDownLatch(1);
        lane.execute(ran::countDown);
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aShutDownLaneRunsNothingMoreAndDropsSilently() {
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        SerialLane lane = new SerialLane(Runnable::run, 10, dropped::incrementAndGet);
        lane.execute(ran::incrementAndGet);
        lane.shutdown();
        lane.execute(ran::incrementAndGet);
        assertThat(ran).hasValue(1);
        assertThat(dropped).hasValue(0);
        assertThat(lane.isShutdown()).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
