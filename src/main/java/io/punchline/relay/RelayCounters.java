package io.punchline.relay;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The relay's running counts behind {@link RelayStatistics} and {@link RelayTraffic}. Thread-safe. */
final class RelayCounters {

    final LongAdder targetsRefused = new LongAdder();
    final LongAdder sendQueueFull = new LongAdder();
    final LongAdder receiveQueueFull = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder requestsTimedOut = new LongAdder();
    final LongAdder requestsRejectedBusy = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder requestsRefused = new LongAdder();
    /** Pairing and peer requests answered 503 because the fleet's store was unreachable. */
    final LongAdder storeUnavailable = new LongAdder();
    private final Map<AuthFailure, LongAdder> authFailures = new EnumMap<>(AuthFailure.class);

    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder datagramsToTarget = new LongAdder();
    final LongAdder bytesToTarget = new LongAdder();
    final LongAdder datagramsToClient = new LongAdder();
    final LongAdder bytesToClient = new LongAdder();
    final LongAdder mailboxRequests = new LongAdder();

    RelayCounters() {
        for (AuthFailure cause : AuthFailure.values()) {
            authFailures.put(cause, new LongAdder());
        }
    }

    void authFailed(AuthFailure cause) {
        authFailures.get(cause).increment();
    }

    void forwardedToTarget(int bytes) {
        datagramsToTarget.increment();
        bytesToTarget.add(bytes);
    }

    void forwardedToClient(int bytes) {
        datagramsToClient.increment();
        bytesToClient.add(bytes);
    }

    RelayStatistics snapshot(long sendQueueBytes, int busyWorkers) {
        Map<AuthFailure, Long> auth = new EnumMap<>(AuthFailure.class);
        authFailures.forEach((cause, count) -> auth.put(cause, count.sum()));
        return new RelayStatistics(targetsRefused.sum(), sendQueueFull.sum(), receiveQueueFull.sum(), rateLimited.sum(),
                requestsTimedOut.sum(), requestsRejectedBusy.sum(), connectionsRefused.sum(), sendQueueBytes,
                busyWorkers, requestsRefused.sum(), auth);
    }

    RelayTraffic traffic() {
        return new RelayTraffic(sessionsOpened.sum(), datagramsToTarget.sum(), bytesToTarget.sum(),
                datagramsToClient.sum(), bytesToClient.sum(), mailboxRequests.sum());
    }
}
