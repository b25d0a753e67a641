package io.punchline.relay;

/**
 * What the relay has carried since it started ({@link RelayServer#traffic()}). Immutable.
 *
 * @param sessionsOpened    requests admitted and given a UDP socket (binds and plain CONNECT-UDP)
 * @param datagramsToTarget payloads from clients that left toward their target (a UDP send, or a hand-over to another
 *                          bind of this relay)
 * @param bytesToTarget     payload bytes of those
 * @param datagramsToClient payloads queued to a client's connection (from a UDP sender or another bind)
 * @param bytesToClient     payload bytes of those
 * @param mailboxRequests   pairing-mailbox and peer-finding requests served (docs/SECURITY.md sections 7.4 and 7.5)
 */
public record RelayTraffic(long sessionsOpened,
                           long datagramsToTarget,
                           long bytesToTarget,
                           long datagramsToClient,
                           long bytesToClient,
                           long mailboxRequests) {
}
