package io.punchline.relay;

/** A token bucket: {@code rate} tokens per second, holding at most one second's worth. Thread-safe. */
final class TokenBucket {

    private final long rate;
    private double tokens;
    private long lastRefillNanos;

    TokenBucket(long ratePerSecond) {
        this.rate = ratePerSecond;
        this.tokens = ratePerSecond;
        this.lastRefillNanos = System.nanoTime();
    }

    /** Takes {@code amount} tokens if there are enough; an unlimited bucket (rate 0) always allows. */
    synchronized boolean tryTake(long amount) {
        if (rate == 0) {
            return true;
        }
        long now = System.nanoTime();
        tokens = Math.min(rate, tokens + (now - lastRefillNanos) * rate / 1e9);
        lastRefillNanos = now;
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }
}
