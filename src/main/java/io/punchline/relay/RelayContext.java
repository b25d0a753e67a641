package io.punchline.relay;

import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every connection of one relay shares: its configuration, directory, relay-authentication and pairing endpoints, target
 * policy, threads (request-stream workers, the datagram pool its connections' {@link SerialLane}s run on, the one
 * reader of all tunnel sockets, the timer), counters and open connections.
 */
record RelayContext(RelayConfig config,
                    BindDirectory directory,
                    AuthEndpoint auth,
                    MailboxEndpoint mailbox,
                    TargetPolicy targetPolicy,
                    InetAddress announcedAddress,
                    ExecutorService streamExecutor,
                    ExecutorService datagramPool,
                    TunnelSockets sockets,
                    ScheduledExecutorService timer,
                    RelayCounters counters,
                    ClientConnections connections) {
}
