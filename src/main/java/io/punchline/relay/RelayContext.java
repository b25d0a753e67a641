package io.punchline.relay;

import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every connection of one relay shares: its configuration, directory, relay-authentication and pairing endpoints, target
 * policy, threads, counters and open connections.
 */
record RelayContext(RelayConfig config,
                    BindDirectory directory,
                    AuthEndpoint auth,
                    MailboxEndpoint mailbox,
                    TargetPolicy targetPolicy,
                    InetAddress announcedAddress,
                    ExecutorService streamExecutor,
                    ScheduledExecutorService timer,
                    RelayCounters counters,
                    ClientConnections connections) {
}
