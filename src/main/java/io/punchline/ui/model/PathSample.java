package io.punchline.ui.model;

/**
 * One sample of the fast-changing figures (taken a few times a second, never per packet): throughput through the relay
 * and on direct paths in bytes per second, the selected session's RTT and the relay connection's RTT (-1: unknown).
 */
public record PathSample(long millis, long relayBytesPerSecond, long directBytesPerSecond, long sessionRttMillis,
                         long relayRttMillis) {
}
