package io.punchline.cli;

import io.punchline.config.DataFolders;
import io.punchline.crypto.PeerId;
import io.punchline.relay.FleetStore;
import io.punchline.relay.MonitoringEndpoint;
import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayResources;
import io.punchline.relay.RelayServer;
import io.punchline.relay.StoreUnavailableException;
import io.punchline.relay.TargetScope;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code punchline relay}: runs a MASQUE CONNECT-UDP Bind relay until interrupted. */
@Command(name = "relay",
        mixinStandardHelpOptions = true,
        description = {
                "Runs a Punchline relay: MASQUE CONNECT-UDP and CONNECT-UDP Bind over HTTP/3.",
                "Prints HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID on standard output once it is ready; clients pin both.",
                "Clients prove their PeerId before binding; without an allow list any PeerId may bind.",
                "Forwards to public unicast addresses only, unless told otherwise (--allow-private-targets).",
                "This is a relay for others. The relay that the window and `send`/`receive` embed when no relay is",
                "given is not: it serves only its own device, the peers that device remembers and a device entering",
                "its pairing code, and forwards only between their binds, to no other address."},
        footer = {"",
                "Memory, worst case, with the defaults:",
                "  per session (a bind or CONNECT-UDP request): a UDP socket (kernel",
                "    buffers, about 200 KiB), a 64 KiB read buffer and two threads: 0.3 MiB;",
                "  per client connection: up to 1 MiB queued to send (--send-queue-bytes), up to",
                "    1024 datagrams waiting to be forwarded (1.5 MiB) and up to 8 MiB of QUIC",
                "    receive buffers (flow control): about 11 MiB; typically far less.",
                "  --max-connections and --max-sessions bound the total (1000 each: about 11 GiB",
                "    at worst); lower them on a small host.",
                "Per-client caps count an IPv4 address or a whole IPv6 /64 as one client."})
final class RelayCommand implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:4433",
            converter = SocketAddressConverter.class,
            description = "UDP address to listen on (default: ${DEFAULT-VALUE}). Port 0 picks a free port.")
    InetSocketAddress listen;

    @Option(names = "--public-address", paramLabel = "IP",
            description = "Address to announce to clients, for a relay behind a 1:1 NAT.")
    InetAddress publicAddress;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder for the relay's long-term identity (default: the platform's data folder).")
    Path dataDir;

    @Option(names = "--max-sessions", defaultValue = "1000", description = "Open requests in all (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--max-sessions-per-client", defaultValue = "32",
            description = "Open requests per client (IPv4 address or IPv6 /64) (default: ${DEFAULT-VALUE}).")
    int maxSessionsPerClient;

    @Option(names = "--max-contexts", defaultValue = "256",
            description = "Open context IDs per request (default: ${DEFAULT-VALUE}).")
    int maxContexts;

    @Option(names = "--rate-limit", paramLabel = "BYTES_PER_SECOND", defaultValue = "0",
            description = "Forwarding budget per request and direction; 0 means unlimited (default: ${DEFAULT-VALUE}).")
    long rateLimit;

    @Option(names = "--requests-per-minute", defaultValue = "600",
            description = "New requests per client (IPv4 address or IPv6 /64) per minute (default: ${DEFAULT-VALUE}).")
    int requestsPerMinute;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Close a plain CONNECT-UDP request after this many seconds without traffic; at least 120 "
                    + "(default: ${DEFAULT-VALUE}). Binds are never closed for idleness.")
    long idleTimeoutSeconds;

    @Option(names = "--allow-loopback-targets",
            description = "Forward to loopback addresses too (tests and single-machine setups only).")
    boolean allowLoopbackTargets;

    @Option(names = "--allow-private-targets",
            description = "Forward to private addresses too (RFC 1918, 100.64/10, fc00::/7): a relay deployed inside a LAN.")
    boolean allowPrivateTargets;

    @Option(names = "--max-connections", defaultValue = "1000",
            description = "Client connections at once, in all (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-client", defaultValue = "16",
            description = "Client connections at once per IPv4 address or IPv6 /64 (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient;

    @Option(names = "--send-queue-bytes", defaultValue = "1048576",
            description = "Bytes queued for one client connection before its datagrams are dropped "
                    + "(default: ${DEFAULT-VALUE}).")
    int sendQueueBytes;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Time a request has for its headers and body; then 408 or a reset (default: ${DEFAULT-VALUE}).")
    long requestTimeoutSeconds;

    @Option(names = "--allow-anonymous",
            description = "Also serve standard MASQUE clients that do not authenticate (rate limited per address).")
    boolean allowAnonymous;

    @Option(names = "--allow-peer", paramLabel = "FINGERPRINT",
            description = "Only this PeerId (and other listed ones) may bind; repeatable.")
    List<String> allowPeers = new ArrayList<>();

    @Option(names = "--allow-list", paramLabel = "FILE",
            description = "File of PeerId fingerprints that may bind, one per line ('#' starts a comment line).")
    Path allowList;

    @Option(names = "--peer-requests-per-minute", defaultValue = "120",
            description = "New requests per authenticated PeerId per minute (default: ${DEFAULT-VALUE}).")
    int peerRequestsPerMinute;

    @Option(names = "--metrics", paramLabel = "[HOST:]PORT", converter = MonitoringAddress.class,
            description = "Serve GET /healthz and Prometheus GET /metrics over HTTP on this address; a port alone "
                    + "means loopback (127.0.0.1). Off unless given.")
    InetSocketAddress metrics;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", converter = LogFormat.Converter.class,
            description = "Log lines on standard error: text, or json (one object per line) (default: ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    @Option(names = "--store", paramLabel = "redis://[:PASSWORD@]HOST:PORT[/DB]", defaultValue = "${env:PUNCHLINE_STORE}",
            description = "Share the peer directory and the pairing mailbox with the other relays of a fleet in this "
                    + "Redis (docs/RELAY.md); also from the environment variable PUNCHLINE_STORE, which keeps a "
                    + "password out of the process list. Without it, both stay in this process.")
    String store;

    @Option(names = "--fleet", paramLabel = "NAME", defaultValue = "default",
            description = "The fleet's name in the store: its keys' prefix, so fleets may share a Redis "
                    + "(default: ${DEFAULT-VALUE}).")
    String fleet;

    @Override
    public Integer call() throws Exception {
        logFormat.apply();
        RelayConfig config;
        try {
            config = RelayConfig.defaults(listen)
                    .withPublicAddress(publicAddress)
                    .withDataFolder(dataDir != null ? dataDir : DataFolders.relayData())
                    .withLimits(maxSessions, maxSessionsPerClient, maxContexts, rateLimit, requestsPerMinute)
                    .withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
                    .withLoopbackTargets(allowLoopbackTargets)
                    .withTargets(allowPrivateTargets ? TargetScope.PRIVATE : TargetScope.PUBLIC)
                    .withResources(RelayResources.DEFAULT.withConnections(maxConnections, maxConnectionsPerClient)
                            .withSendQueueBytes(sendQueueBytes)
                            .withRequestDeadline(Duration.ofSeconds(requestTimeoutSeconds)))
                    .withAccess(access());
        } catch (IllegalArgumentException e) {
            System.err.println("punchline relay: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        FleetStore fleetStore = null;
        if (store != null) {
            try {
                fleetStore = FleetStore.connect(store, fleet);
            } catch (IllegalArgumentException e) {
                System.err.println("punchline relay: --store: " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (StoreUnavailableException e) {
                System.err.println("punchline relay: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (RelayServer relay = RelayServer.start(config, fleetStore);
             MonitoringEndpoint monitoring = metrics != null ? startMonitoring(relay) : null) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "relay-shutdown"));
            System.out.println(relay.contact());
            System.out.flush();
            stopped.await();
        }
        return ExitCodes.OK;
    }

    private MonitoringEndpoint startMonitoring(RelayServer relay) throws IOException {
        MonitoringEndpoint monitoring;
        try {
            monitoring = MonitoringEndpoint.start(relay, metrics);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + SocketAddressConverter.format(metrics) + ": "
                    + e.getMessage(), e);
        }
        LoggerFactory.getLogger(RelayCommand.class).info("health and metrics on http://{}{} and {}",
                SocketAddressConverter.format(monitoring.address()), MonitoringEndpoint.HEALTH_PATH,
                MonitoringEndpoint.METRICS_PATH);
        return monitoring;
    }

    /** {@code PORT} (on loopback), {@code HOST:PORT} or {@code [IPV6]:PORT}. */
    static final class MonitoringAddress implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                int port = value.length() > 5 ? -1 : Integer.parseInt(value);
                if (port < 0 || port > 65535) {
                    throw new TypeConversionException("'" + value + "': the port must be between 0 and 65535");
                }
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            }
            return SocketAddressConverter.parse(value);
        }
    }

    private RelayAccess access() {
        Set<PeerId> allowed = new LinkedHashSet<>();
        for (String fingerprint : allowPeers) {
            try {
                allowed.add(PeerId.parse(fingerprint.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--allow-peer " + fingerprint + ": not a PeerId fingerprint ("
                        + e.getMessage() + ")");
            }
        }
        if (allowList != null) {
            try {
                allowed.addAll(RelayAccess.readAllowList(allowList));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the allow list " + allowList + " (" + e + ")");
            }
        }
        return RelayAccess.OPEN.withAllowedPeers(allowed).withPeerRequestsPerMinute(peerRequestsPerMinute)
                .withAnonymous(allowAnonymous);
    }
}
