package io.punchline.relay;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the relay refused or dropped since it started, by cause, and what it holds now ({@link RelayServer#statistics()}).
 * Immutable.
 *
 * @param targetsRefused        payloads and requests for a target the target policy refuses (private, loopback, own
 *                              binds only...)
 * @param sendQueueFull         datagrams for a client dropped because its connection's send queue was at its cap
 *                              (a client that withholds ACKs, or a link slower than the traffic)
 * @param receiveQueueFull      datagrams from a client dropped because its forwarding queue was full
 * @param rateLimited           payloads dropped by the per-request byte rate limit
 * @param requestsTimedOut      request streams that missed the request deadline (408 or reset)
 * @param requestsRejectedBusy  request streams refused because every worker thread was busy
 * @param connectionsRefused    QUIC connections closed at once: too many in all or from one client
 * @param sendQueueBytes        bytes queued now in all client connections' send queues
 * @param busyWorkers           worker threads busy now (request streams, control streams, open tunnels)
 * @param requestsRefused       requests refused at admission: relay full (503), too many from one client or PeerId
 *                              (429), or not served by an embedded relay's owner scope (403)
 * @param authFailures          failed relay authentications and unauthenticated requests, by cause (every cause
 *                              present)
 */
public record RelayStatistics(long targetsRefused,
                              long sendQueueFull,
                              long receiveQueueFull,
                              long rateLimited,
                              long requestsTimedOut,
                              long requestsRejectedBusy,
                              long connectionsRefused,
                              long sendQueueBytes,
                              int busyWorkers,
                              long requestsRefused,
                              Map<AuthFailure, Long> authFailures) {

    public RelayStatistics {
        Map<AuthFailure, Long> copy = new EnumMap<>(AuthFailure.class);
        copy.putAll(authFailures);
        authFailures = Collections.unmodifiableMap(copy);
    }

    /** Failed relay authentications and unauthenticated requests, all causes together. */
    public long authFailuresInAll() {
        return authFailures.values().stream().mapToLong(Long::longValue).sum();
    }
}
