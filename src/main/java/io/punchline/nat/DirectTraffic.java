package io.punchline.nat;

/**
 * What the engine socket saw of the peer on the direct path: datagrams from the direct address that reached the
 * QUIC codec (a counter), when the last of them arrived (caller's clock), and the session's packets the QUIC stack
 * authenticated (a counter, -1 when unknown).
 */
public record DirectTraffic(long directPackets, long lastArrivalMillis, long authenticatedPackets) {
}
