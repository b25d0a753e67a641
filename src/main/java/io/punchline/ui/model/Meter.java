package io.punchline.ui.model;

import java.util.Map;

/**
 * Raw readings taken from the engine by the sampler: byte counters since the engine started, relay RTT and contexts,
 * and each open session's smoothed RTT by peer fingerprint (-1 when unknown).
 */
public record Meter(long millis, long relayedBytes, long directBytes, long relayRttMillis, int relayContexts,
                    Map<String, Long> sessionRttMillis) {
}
