package io.punchline.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a relay runs. Limits protect the relay's sockets, threads and bandwidth from one client or from all of them.
 *
 * @param listen                 the UDP address of the QUIC (HTTP/3) endpoint
 * @param publicAddress          the address clients are told to send to (behind a 1:1 NAT); null: the listen address,
 *                               or the first global interface address when listening on the wildcard
 * @param dataFolder             where the relay keeps its long-term identity; null: a fresh identity in memory
 * @param maxSessions            bind or CONNECT-UDP requests open at once, in all
 * @param maxSessionsPerClient   requests open at once from one client ({@link ClientKey}: IPv4 address or IPv6 /64)
 * @param maxContextsPerSession  open context IDs per request (draft -13: endpoints MUST cap them)
 * @param bytesPerSecond         per-request forwarding budget in each direction (token bucket); 0: unlimited
 * @param requestsPerMinute      new requests per client ({@link ClientKey}) per minute
 * @param idleTimeout            a plain CONNECT-UDP request with no traffic for this long is closed (RFC 9298: at least 2
 *                               minutes); binds are not closed for idleness (BindHeaders.BIND_KEPT)
 * @param allowLoopbackTargets   forward to loopback addresses (tests and single-machine use only)
 * @param targets                where besides its own binds the relay sends: public unicast addresses (default),
 *                               also private ones (a relay inside a LAN), or nowhere (an embedded relay)
 * @param resources              bounds on memory, threads, time and connections per client (docs/SECURITY.md)
 * @param access                 who may bind: open, allow list, anonymous (docs/SECURITY.md section 6)
 * @param mailbox                pairing mailbox and peer-finding bounds (docs/SECURITY.md section 7.4)
 */
public record RelayConfig(InetSocketAddress listen,
                          InetAddress publicAddress,
                          Path dataFolder,
                          int maxSessions,
                          int maxSessionsPerClient,
                          int maxContextsPerSession,
                          long bytesPerSecond,
                          int requestsPerMinute,
                          Duration idleTimeout,
                          boolean allowLoopbackTargets,
                          RelayAccess access,
                          MailboxLimits mailbox,
                          TargetScope targets,
                          RelayResources resources) {

    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMinutes(2);

    public RelayConfig {
        if (maxSessions < 1 || maxSessionsPerClient < 1 || maxContextsPerSession < 2 || requestsPerMinute < 1) {
            throw new IllegalArgumentException("relay limits must be positive (contexts: at least 2)");
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("rate limit must not be negative");
        }
        if (mailbox == null) {
            mailbox = MailboxLimits.DEFAULT;
        }
        if (access == null) {
            throw new IllegalArgumentException("relay access policy missing");
        }
        if (targets == null) {
            targets = TargetScope.PUBLIC;
        }
        if (resources == null) {
            resources = RelayResources.DEFAULT;
        }
        if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
            throw new IllegalArgumentException("idle timeout must be at least 2 minutes (RFC 9298 section 3.3)");
        }
    }

    /** Defaults for a relay listening on {@code listen}. */
    public static RelayConfig defaults(InetSocketAddress listen) {
        return new RelayConfig(listen, null, null, 1000, 32, 256, 0, 600, MIN_IDLE_TIMEOUT, false, RelayAccess.OPEN,
                MailboxLimits.DEFAULT, TargetScope.PUBLIC, RelayResources.DEFAULT);
    }

    public RelayConfig withPublicAddress(InetAddress address) {
        return new RelayConfig(listen, address, dataFolder, maxSessions, maxSessionsPerClient, maxContextsPerSession,
                bytesPerSecond, requestsPerMinute, idleTimeout, allowLoopbackTargets, access, mailbox, targets, resources);
    }

    public RelayConfig withDataFolder(Path folder) {
        return new RelayConfig(listen, publicAddress, folder, maxSessions, maxSessionsPerClient, maxContextsPerSession,
                bytesPerSecond, requestsPerMinute, idleTimeout, allowLoopbackTargets, access, mailbox, targets, resources);
    }

    public RelayConfig withLimits(int sessions, int perClient, int contexts, long rate, int perMinute) {
        return new RelayConfig(listen, publicAddress, dataFolder, sessions, perClient, contexts, rate, perMinute,
                idleTimeout, allowLoopbackTargets, access, mailbox, targets, resources);
    }

    public RelayConfig withIdleTimeout(Duration timeout) {
        return new RelayConfig(listen, publicAddress, dataFolder, maxSessions, maxSessionsPerClient,
                maxContextsPerSession, bytesPerSecond, requestsPerMinute, timeout, allowLoopbackTargets, access, mailbox,
                targets, resources);
    }

    public RelayConfig withLoopbackTargets(boolean allow) {
        return new RelayConfig(listen, publicAddress, dataFolder, maxSessions, maxSessionsPerClient,
                maxContextsPerSession, bytesPerSecond, requestsPerMinute, idleTimeout, allow, access, mailbox, targets,
                resources);
    }

    public RelayConfig withMailbox(MailboxLimits limits) {
        return new RelayConfig(listen, publicAddress, dataFolder, maxSessions, maxSessionsPerClient,
                maxContextsPerSession, bytesPerSecond, requestsPerMinute, idleTimeout, allowLoopbackTargets, access,
                limits, targets, resources);
    }

    public RelayConfig withAccess(RelayAccess policy) {
        return new RelayConfig(listen, publicAddress, dataFolder, maxSessions, maxSessionsPerClient,
                maxContextsPerSession, bytesPerSecond, requestsPerMinute, idleTimeout, allowLoopbackTargets, policy, mailbox,
                targets, resources);
    }

    /** Where the relay may send besides its own binds; {@link TargetScope#OWN_BINDS_ONLY} for an embedded relay. */
    public RelayConfig withTargets(TargetScope scope) {
        return new RelayConfig(listen, publicAddress, dataFolder, maxSessions, maxSessionsPerClient,
                maxContextsPerSession, bytesPerSecond, requestsPerMinute, idleTimeout, allowLoopbackTargets, access,
                mailbox, scope, resources);
    }

    public RelayConfig withResources(RelayResources bounds) {
        return new RelayConfig(listen, publicAddress, dataFolder, maxSessions, maxSessionsPerClient,
                maxContextsPerSession, bytesPerSecond, requestsPerMinute, idleTimeout, allowLoopbackTargets, access,
                mailbox, targets, bounds);
    }

    /**
     * Threads the relay's stream pool may hold at once: one per open session (its request stream, while capsules
     * arrive or a capsule write waits for the client; a quiet session holds none), one per connection (its HTTP/3
     * control stream until SETTINGS) and the short-request workers.
     */
    public int workerThreads() {
        return maxSessions + resources.maxConnections() + resources.requestWorkers();
    }
}
