package io.punchline.nat;

/**
 * Whether the validated direct path of a {@link Traversal} still carries the peer: when the last keepalive answer came,
 * or the last of the peer's authenticated QUIC packets on that path ({@link DirectTraffic}), and when the next keepalive
 * is due. No clock: times are the caller's. Not thread-safe.
 */
final class DirectPathLiveness {

    private long lastAnswerMillis;
    private long nextKeepaliveMillis;
    private long lastDirectPackets;
    private long lastAuthenticatedPackets;

    /** The path was just validated: it counts as answered now, and its first keepalive is due a period later. */
    void start(long nowMillis) {
        lastAnswerMillis = nowMillis;
        nextKeepaliveMillis = nowMillis + Traversal.KEEPALIVE_MILLIS;
    }

    void answered(long nowMillis) {
        lastAnswerMillis = nowMillis;
    }

    long nextKeepaliveMillis() {
        return nextKeepaliveMillis;
    }

    /**
     * How long the path has been silent at {@code nowMillis}, counting {@code traffic} (null when not read) as an
     * answer; schedules the next keepalive.
     */
    long silentMillis(long nowMillis, DirectTraffic traffic) {
        long arrived = trafficArrived(traffic);
        if (arrived > lastAnswerMillis) {
            lastAnswerMillis = arrived;
        }
        nextKeepaliveMillis = nowMillis + Traversal.KEEPALIVE_MILLIS;
        return nowMillis - lastAnswerMillis;
    }

    /**
     * Whether the peer's QUIC packets keep arriving on the direct path: packets from the direct address reached the
     * codec since the last check, and the QUIC stack authenticated new packets on the session meanwhile. On a busy or
     * lossy path this keeps the path alive even when keepalive answers are late or lost (no false fallback); on a cut
     * path nothing arrives and the keepalives decide. Returns when the last of those packets arrived, or 0.
     */
    private long trafficArrived(DirectTraffic traffic) {
        if (traffic == null || traffic.directPackets() == lastDirectPackets) {
            return 0;
        }
        boolean arrived = traffic.authenticatedPackets() > lastAuthenticatedPackets;
        lastDirectPackets = traffic.directPackets();
        lastAuthenticatedPackets = traffic.authenticatedPackets();
        return arrived ? traffic.lastArrivalMillis() : 0;
    }
}
