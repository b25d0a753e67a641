package io.punchline.relay;

import java.util.concurrent.atomic.LongAdder;

/** The relay's running counts behind {@link RelayStatistics}. Thread-safe. */
final class RelayCounters {

    final LongAdder targetsRefused = new LongAdder();
    final LongAdder sendQueueFull = new LongAdder();
    final LongAdder receiveQueueFull = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder requestsTimedOut = new LongAdder();
    final LongAdder requestsRejectedBusy = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();

    RelayStatistics snapshot(long sendQueueBytes, int busyWorkers) {
        return new RelayStatistics(targetsRefused.sum(), sendQueueFull.sum(), receiveQueueFull.sum(), rateLimited.sum(),
                requestsTimedOut.sum(), requestsRejectedBusy.sum(), connectionsRefused.sum(), sendQueueBytes,
                busyWorkers);
    }
}
