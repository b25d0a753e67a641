package io.punchline.relay;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A sliding one-minute window of requests per key (a client address, a PeerId): at most {@code perMinute} requests
 * per key in any 60 seconds. Keys with nothing in their window are forgotten, so memory follows active clients.
 * Thread-safe.
 */
final class RequestWindow<K> {

    private static final long MINUTE_NANOS = 60_000_000_000L;
    private static final int SWEEP_EVERY = 256;

    private final int perMinute;
    private final Map<K, Deque<Long>> recent = new HashMap<>();
    private int sinceSweep;

    RequestWindow(int perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("requests per minute must be positive");
        }
        this.perMinute = perMinute;
    }

    /** Counts a new request of {@code key}; false (and not counted) when the key has used its minute's budget. */
    synchronized boolean tryCount(K key) {
        long now = System.nanoTime();
        if (++sinceSweep >= SWEEP_EVERY) {
            sinceSweep = 0;
            sweep(now);
        }
        Deque<Long> window = recent.computeIfAbsent(key, k -> new ArrayDeque<>());
        expire(window, now);
        if (window.size() >= perMinute) {
            return false;
        }
        window.addLast(now);
        return true;
    }

    private void sweep(long now) {
        for (Iterator<Deque<Long>> it = recent.values().iterator(); it.hasNext(); ) {
            Deque<Long> window = it.next();
            expire(window, now);
            if (window.isEmpty()) {
                it.remove();
            }
        }
    }

    private static void expire(Deque<Long> window, long now) {
        while (!window.isEmpty() && now - window.peekFirst() > MINUTE_NANOS) {
            window.removeFirst();
        }
    }
}
