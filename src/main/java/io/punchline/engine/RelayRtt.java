package io.punchline.engine;

/** A field of {@code relay.chosen}: a relay of the fleet and its measured round-trip time. */
public record RelayRtt(String relay, long rttMillis) {
}
