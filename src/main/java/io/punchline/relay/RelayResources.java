package io.punchline.relay;

import java.time.Duration;

/**
 * Bounds on what one client can make the relay hold: memory queued for it, threads, time, connections
 * (docs/SECURITY.md, "The relay operator's side"). Per-client caps count a {@link ClientKey}: an IPv4 address or an
 * IPv6 /64.
 *
 * @param sendQueueBytes          QUIC frames queued for one client connection and not yet sent (kwik's send queue),
 *                                in bytes; a datagram that would go beyond is dropped and counted
 * @param receiveQueueDatagrams   HTTP datagrams from one client connection waiting for the relay's forwarding thread;
 *                                beyond, they are dropped and counted
 * @param requestDeadline         time a request stream has to deliver its headers and, for POSTs, its whole body;
 *                                then it gets 408 (headers seen) or is reset with H3_REQUEST_INCOMPLETE
 * @param requestWorkers          threads for short requests (authentication, mailbox), on top of one per session and
 *                                one per connection (its control stream); a request beyond is reset with
 *                                H3_REQUEST_REJECTED
 * @param maxConnections          QUIC connections at once, in all
 * @param maxConnectionsPerClient QUIC connections at once per client (IPv4 address or IPv6 /64)
 */
public record RelayResources(int sendQueueBytes,
                             int receiveQueueDatagrams,
                             Duration requestDeadline,
                             int requestWorkers,
                             int maxConnections,
                             int maxConnectionsPerClient) {

    /** 1 MiB queued per connection, 1024 datagrams waiting, 5 s per request, 64 request threads, 1000/16 connections. */
    public static final RelayResources DEFAULT = new RelayResources(1024 * 1024, 1024, Duration.ofSeconds(5), 64, 1000, 16);

    public RelayResources {
        if (sendQueueBytes < 16 * 1024 || receiveQueueDatagrams < 1 || requestWorkers < 1 || maxConnections < 1
                || maxConnectionsPerClient < 1 || requestDeadline.isNegative() || requestDeadline.isZero()) {
            throw new IllegalArgumentException("relay resource bounds must be positive (send queue: at least 16 KiB)");
        }
    }

    public RelayResources withSendQueueBytes(int bytes) {
        return new RelayResources(bytes, receiveQueueDatagrams, requestDeadline, requestWorkers, maxConnections,
                maxConnectionsPerClient);
    }

    public RelayResources withRequestDeadline(Duration deadline) {
        return new RelayResources(sendQueueBytes, receiveQueueDatagrams, deadline, requestWorkers, maxConnections,
                maxConnectionsPerClient);
    }

    public RelayResources withRequestWorkers(int threads) {
        return new RelayResources(sendQueueBytes, receiveQueueDatagrams, requestDeadline, threads, maxConnections,
                maxConnectionsPerClient);
    }

    public RelayResources withConnections(int all, int perClient) {
        return new RelayResources(sendQueueBytes, receiveQueueDatagrams, requestDeadline, requestWorkers, all, perClient);
    }
}
