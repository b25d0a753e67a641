package io.punchline.engine;

/** A field of {@code relay.chosen}: a relay of the fleet that did not answer the measurement, and why. */
public record RelayUnreachable(String relay, String reason) {
}
