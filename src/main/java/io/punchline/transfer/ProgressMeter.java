package io.punchline.transfer;

import java.util.concurrent.atomic.AtomicLong;

/** Counts bytes from many threads and says when a progress report is due (every {@link #INTERVAL_NANOS}). */
final class ProgressMeter {

    static final long INTERVAL_NANOS = 250_000_000L;

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime());
    private final long start = System.nanoTime();
    private long reportedBytes;
    private long reportedNanos = start;
    private double rate;

    /** Adds {@code n} bytes; true when this caller should report now. */
    boolean add(long n) {
        bytes.addAndGet(n);
        long now = System.nanoTime();
        long last = lastReport.get();
        return now - last >= INTERVAL_NANOS && lastReport.compareAndSet(last, now);
    }

    long bytes() {
        return bytes.get();
    }

    long millis() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Bytes per second, smoothed over the last reports. */
    synchronized long rate() {
        long now = System.nanoTime();
        long done = bytes.get();
        double instant = (done - reportedBytes) * 1e9 / Math.max(1, now - reportedNanos);
        rate = reportedBytes == 0 && rate == 0 ? instant : 0.5 * rate + 0.5 * instant;
        reportedBytes = done;
        reportedNanos = now;
        return (long) rate;
    }
}
