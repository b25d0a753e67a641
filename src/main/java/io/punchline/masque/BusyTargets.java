package io.punchline.masque;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which targets of a bind are busy enough for a compressed context of their own
 * (draft-ietf-masque-connect-udp-listen-13 section 4.2): it counts payloads sent to each target on the uncompressed context, and a target is busy at its
 * {@code threshold}-th payload, which saves the address header (7 bytes for IPv4, 19 for IPv6) on every later payload
 * in both directions. Counts for at most {@value #MAX_TARGETS} targets are kept; beyond that they start again.
 */
final class BusyTargets {

    static final int MAX_TARGETS = 4096;

    private final int threshold;
    private final Map<InetSocketAddress, Integer> uncompressedSends = new ConcurrentHashMap<>();

    BusyTargets(int threshold) {
        this.threshold = threshold;
    }

    /** Counts one payload to {@code target} on the uncompressed context; true exactly when it makes the target busy. */
    boolean countSend(InetSocketAddress target) {
        int count = uncompressedSends.merge(target, 1, Integer::sum);
        if (uncompressedSends.size() > MAX_TARGETS) {
            uncompressedSends.clear(); // a bound on memory; counts start again
        }
        return count == threshold;
    }
}
