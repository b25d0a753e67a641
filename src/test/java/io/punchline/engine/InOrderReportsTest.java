package io.punchline.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InOrderReportsTest {

    private final List<String> published = Collections.synchronizedList(new ArrayList<>());
    private final InOrderReports reports = new InOrderReports(timed -> published.add(timed.event().toString()));

    private static EventBus.Timed event(String text) {
        return new EventBus.Timed(0, new EngineEvent.RelayLost("relay", text));
    }

    @Test
    void aBatchCarriedOutFirstWaitsForTheBatchDecidedBeforeIt() {
        InOrderReports.Batch round = reports.reserve();    // e.g. the timer's punch round, still sending
        InOrderReports.Batch answer = reports.reserve();   // the probe's answer, carried out at once
        answer.add(event("validated"));
        answer.add(event("switched"));
        answer.complete();
        assertThat(published).isEmpty();

        round.add(event("candidate"));
        round.add(event("round started"));
        round.complete();
        assertThat(published).hasSize(4);
        assertThat(String.join(",", published)).containsSubsequence("candidate", "round started", "validated",
                "switched");
    }

    @Test
    void aBatchWithoutEventsDoesNotHoldTheOthersBack() {
        InOrderReports.Batch quiet = reports.reserve();
        InOrderReports.Batch loud = reports.reserve();
        quiet.complete();
        loud.add(event("one"));
        loud.complete();
        assertThat(published).hasSize(1);
    }

    @Test
    void batchesCompletedOnManyThreadsArePublishedInTheOrderTheyWereReserved() throws Exception {
        int batches = 400;
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            Object decisions = new Object();
            int[] next = {0};
            for (int i = 0; i < batches; i++) {
                done.add(threads.submit(() -> {
                    InOrderReports.Batch batch;
                    int number;
                    synchronized (decisions) { // where a caller decides the order, under its own lock
                        number = next[0]++;
                        batch = reports.reserve();
                    }
                    if (ThreadLocalRandom.current().nextInt(4) == 0) {
                        Thread.yield();
                    }
                    batch.add(event(number + "a"));
                    batch.add(event(number + "b"));
                    batch.complete();
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            expected.add(event(i + "a").event().toString());
            expected.add(event(i + "b").event().toString());
        }
        assertThat(published).containsExactlyElementsOf(expected);
    }
}
