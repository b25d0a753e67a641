package io.punchline.portmap;

/**
 * When to ask the gateway next, with the time passed in. A granted mapping is renewed halfway to its expiry (RFC 6886
 * section 3.3; RFC 6887 section 11.2.1 says between 1/2 and 5/8 of the lifetime). A failed renewal is tried again at
 * half the time left, at least 1 s apart, until the mapping expires, when it is lost. Without a mapping, failed
 * attempts back off from 30 s, doubling, to 30 min: a network whose gateway maps nothing costs a few datagrams an hour.
 * Not thread-safe: {@link PortMapper} uses it from its one thread.
 */
final class MappingRenewal {

    static final long FIRST_RETRY_MILLIS = 30_000;
    static final long MAX_RETRY_MILLIS = 30 * 60_000;
    static final long MIN_RENEW_RETRY_MILLIS = 1_000;

    /** What a failed attempt leads to: the next attempt, and the mapping that expired with it (or null). */
    record Failure(long nextAttemptMillis, PortMapping lost) {
    }

    private PortMapping held;
    private long expiresAtMillis;
    private int failures;

    /** The gateway granted {@code mapping} at {@code nowMillis}; returns when to renew it. */
    long granted(PortMapping mapping, long nowMillis) {
        held = mapping;
        failures = 0;
        long lifetimeMillis = mapping.lifetimeSeconds() * 1000;
        expiresAtMillis = nowMillis + lifetimeMillis;
        return nowMillis + lifetimeMillis / 2;
    }

    /** An attempt at {@code nowMillis} got no mapping. */
    Failure failed(long nowMillis) {
        if (held != null && nowMillis < expiresAtMillis) {
            long left = expiresAtMillis - nowMillis;
            return new Failure(nowMillis + Math.min(left, Math.max(MIN_RENEW_RETRY_MILLIS, left / 2)), null);
        }
        PortMapping lost = held;
        held = null;
        long backoff = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures, 16));
        failures++;
        return new Failure(nowMillis + backoff, lost);
    }

    /** The mapping still valid at {@code nowMillis}, or null. */
    PortMapping current(long nowMillis) {
        return held != null && nowMillis < expiresAtMillis ? held : null;
    }

    /** Forget the mapping (deleted on exit). */
    void clear() {
        held = null;
    }
}
