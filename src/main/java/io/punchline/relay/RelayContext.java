package io.punchline.relay;

import io.punchline.quic.SharedConnectionTimers;
import io.punchline.wire.IpAddressCodec;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every connection of one relay shares: its configuration, directory, relay-authentication and pairing endpoints, target
 * policy, threads (request-stream workers, the datagram pool its connections' {@link SerialLane}s run on, the one
 * reader of all tunnel sockets, the timer, the QUIC connections' idle and loss-detection timers), counters and open
 * connections.
 */
record RelayContext(RelayConfig config,
                    BindDirectory directory,
                    AuthEndpoint auth,
                    MailboxEndpoint mailbox,
                    TargetPolicy targetPolicy,
                    List<InetAddress> announcedAddresses,
                    ExecutorService streamExecutor,
                    ExecutorService datagramPool,
                    TunnelSockets sockets,
                    ScheduledExecutorService timer,
                    SharedConnectionTimers connectionTimers,
                    RelayCounters counters,
                    ClientConnections connections) {

    RelayContext {
        announcedAddresses = List.copyOf(announcedAddresses);
    }

    /** The first address announced: the contact's. */
    InetAddress announcedAddress() {
        return announcedAddresses.get(0);
    }

    /**
     * The addresses a bind announces to {@code client}: one per family the relay serves (both on a dual-stack socket,
     * {@link AnnouncedAddresses}), the client's own family first, the one its contact and reflexive echo use.
     */
    List<InetAddress> announcedAddresses(InetSocketAddress client) {
        InetSocketAddress plain = IpAddressCodec.unmapped(client);
        List<InetAddress> ordered = new ArrayList<>(announcedAddresses);
        ordered.sort(Comparator.comparing(a -> a.getClass() != plain.getAddress().getClass()));
        return ordered;
    }
}
