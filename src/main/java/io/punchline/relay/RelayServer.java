package io.punchline.relay;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.masque.RelayAddress;
import io.punchline.quic.KwikLog;
import io.punchline.quic.SharedConnectionTimers;
import io.punchline.tls.CertificateFingerprint;
import io.punchline.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.Statistics;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Punchline relay: an HTTP/3 server (flupke on kwik) that serves MASQUE CONNECT-UDP (RFC 9298) and CONNECT-UDP
 * Bind (draft-ietf-masque-connect-udp-listen-13). Each accepted request gets its own UDP socket, announced to the
 * client in {@code proxy-public-address}.
 *
 * <p>The relay has two long-term identities kept in its data folder: a TLS certificate and an ML-DSA-65 key, with
 * which it answers relay authentication (docs/SECURITY.md section 6). Clients know it by
 * {@code HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID} (see {@link #contact()}) and pin both.
 */
public final class RelayServer implements AutoCloseable {

    /** ALPN of HTTP/3 (RFC 9114 section 3.1). */
    public static final String H3 = "h3";

    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);
    /** Threads that carry every connection's datagrams; forwarding never blocks, so the cores are enough. */
    private static final int DATAGRAM_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final RelayConfig config;
    private final TlsIdentity tlsIdentity;
    private final Identity identity;
    private final ServerConnector connector;
    private final DatagramSocket socket;
    private final RelayContext context;
    private final ThreadPoolExecutor streamExecutor;
    private final ScheduledExecutorService timer;
    private final SharedConnectionTimers connectionTimers = new SharedConnectionTimers("relay-quic-timers");
    private final ExecutorService datagramPool;
    private final TunnelSockets sockets;
    private final FleetStore store;
    private volatile boolean closed;

    private RelayServer(RelayConfig config, TlsIdentity tlsIdentity, Identity identity, FleetStore store)
            throws IOException {
        this.config = config;
        this.store = store;
        this.tlsIdentity = tlsIdentity;
        this.identity = identity;
        this.socket = new DatagramSocket(config.listen());
        try {
            // every client's traffic arrives on this one socket: give the kernel room for bursts
            socket.setReceiveBufferSize(8 * 1024 * 1024);
            socket.setSendBufferSize(8 * 1024 * 1024);
        } catch (SocketException e) {
            // the kernel's limits apply
        }
        try {
            socket.setBroadcast(false); // Java's default is on; the relay never sends a broadcast
        } catch (SocketException e) {
            socket.close();
            throw e;
        }
        InetSocketAddress bound = new InetSocketAddress(config.listen().getAddress(), socket.getLocalPort());
        List<InetAddress> announced = AnnouncedAddresses.of(bound.getAddress(), config.publicAddress(),
                AnnouncedAddresses.interfaces());
        AtomicInteger threads = new AtomicInteger();
        // bounded: a stream beyond the pool is refused (RelayConnection.acceptPeerInitiatedStream), never queued
        this.streamExecutor = new ThreadPoolExecutor(0, config.workerThreads(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "relay-stream-" + threads.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "relay-timer"));
        AtomicInteger datagramThreads = new AtomicInteger();
        // every connection's datagrams, each connection in order on a SerialLane; the lanes bound their own queues
        this.datagramPool = Executors.newFixedThreadPool(DATAGRAM_THREADS,
                r -> daemon(r, "relay-datagrams-" + datagramThreads.incrementAndGet()));
        this.sockets = new TunnelSockets("relay-tunnel-sockets");
        TargetPolicy policy = new TargetPolicy(TargetPolicy.localInterfaces(announced.toArray(InetAddress[]::new)), socket.getLocalPort(),
                config.allowLoopbackTargets(), config.targets());
        RelayCounters counters = new RelayCounters();
        AuthEndpoint auth = new AuthEndpoint(identity, tlsIdentity.fingerprint(), config.access(),
                config.requestsPerMinute(), counters);
        BindDirectory directory = new BindDirectory(config);
        String name = new InetSocketAddress(announced.get(0), socket.getLocalPort()).toString();
        MailboxEndpoint mailbox = store == null
                ? new MailboxEndpoint(config, directory, new Mailbox(config.mailbox()), new LocalPeerDirectory(directory))
                : new MailboxEndpoint(config, directory, new RedisMailbox(store, config.mailbox()),
                        new RedisPeerDirectory(store, name));
        this.context = new RelayContext(config, directory, auth, mailbox, policy,
                announced, streamExecutor, datagramPool, sockets, timer, connectionTimers, counters, new ClientConnections(config.resources()));
        try {
            ServerConnectionConfig connectionConfig = ServerConnectionConfig.builder()
                    .maxIdleTimeoutInSeconds(60)
                    .maxOpenPeerInitiatedBidirectionalStreams(64)
                    .maxOpenPeerInitiatedUnidirectionalStreams(3)
                    .maxConnectionBufferSize(8 * 1024 * 1024)
                    .maxBidirectionalStreamBufferSize(1024 * 1024)
                    .retryRequired(false)
                    .build();
            this.connector = ServerConnector.builder()
                    .withSocket(socket)
                    .withKeyStore(tlsIdentity.keyStore(), TlsIdentity.ALIAS, tlsIdentity.keyPassword(), "secp256r1")
                    .withConfiguration(connectionConfig)
                    .withLogger(new KwikLog())
                    .build();
        } catch (CertificateException e) {
            socket.close();
            sockets.close();
            datagramPool.shutdownNow();
            connectionTimers.close();
            throw new IOException("the relay's TLS certificate is not usable: " + e.getMessage(), e);
        }
        connector.registerApplicationProtocol(H3, new RelayProtocolFactory(context));
    }

    /**
     * Starts a relay; its identities (TLS certificate and ML-DSA-65 key) come from {@code config.dataFolder()}
     * (created on first start) or are fresh.
     */
    public static RelayServer start(RelayConfig config) throws IOException {
        return start(config, null);
    }

    /**
     * Starts a relay of a fleet: its pairing mailbox and peer directory are in {@code store}, shared with the fleet's
     * other relays (null: in this process, as {@link #start(RelayConfig)}). The relay closes the store when it closes.
     */
    public static RelayServer start(RelayConfig config, FleetStore store) throws IOException {
        TlsIdentity tls;
        Identity identity;
        if (config.dataFolder() != null) {
            tls = TlsIdentity.loadOrCreate(config.dataFolder(), "punchline relay");
            identity = Identity.loadOrCreate(config.dataFolder());
        } else {
            tls = TlsIdentity.generate("punchline relay");
            identity = Identity.generate(new SecureRandom());
        }
        RelayServer server;
        try {
            if (store != null) {
                store.joinAs(identity.peerId());
            }
            server = new RelayServer(config, tls, identity, store);
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                store.close();
            }
            if (e instanceof IllegalStateException) {
                throw new IOException(e.getMessage(), e); // the relay's identity is not the fleet's
            }
            throw e;
        }
        server.connector.start();
        server.logStatisticsEveryMinute();
        if (store != null) {
            server.refreshDirectoryEntries();
        }
        RelayAccess access = config.access();
        LOG.info("relay listening on {} (announcing {}), TLS fingerprint {}, PeerId {}; {}{}", server.listenAddress(),
                server.context.announcedAddresses().stream().map(InetAddress::getHostAddress).toList(), server.fingerprint(),
                identity.peerId().fingerprint(),
                access.allowedPeers().isEmpty() ? "open to any authenticated PeerId"
                        : "allow list of " + access.allowedPeers().size() + " PeerIds",
                access.allowAnonymous() ? ", anonymous clients allowed" : "");
        LOG.info("relay targets: {}{}", config.targets(), config.allowLoopbackTargets() ? " and loopback" : "");
        return server;
    }

    /** The UDP address the relay's QUIC endpoint is bound to (with the real port when 0 was asked for). */
    public InetSocketAddress listenAddress() {
        return new InetSocketAddress(config.listen().getAddress(), socket.getLocalPort());
    }

    /** The address clients should dial: the public address when one is configured, else the listen address. */
    public InetSocketAddress dialAddress() {
        return new InetSocketAddress(context.announcedAddress(), socket.getLocalPort());
    }

    /** SHA-256 of the relay's TLS certificate. */
    public CertificateFingerprint fingerprint() {
        return tlsIdentity.fingerprint();
    }

    /** The relay's ML-DSA-65 identity, which it proves to authenticating clients. */
    public PeerId peerId() {
        return identity.peerId();
    }

    /** What a client needs to reach and pin this relay: dial address, TLS fingerprint and relay PeerId. */
    public RelayAddress address() {
        return RelayAddress.of(dialAddress(), fingerprint(), peerId());
    }

    /** {@code HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID}: {@link #address()} as printed for clients to copy. */
    public String contact() {
        return address().toString();
    }

    /**
     * Pairing nameplates currently open in the mailbox (not counting expired, burnt or used ones): the fleet's, with a
     * fleet store; -1 while that store is unreachable.
     */
    public int openNameplates() {
        try {
            return context.mailbox().openNameplates();
        } catch (StoreUnavailableException e) {
            return -1;
        }
    }

    /** Pairing and peer requests answered 503 since the start because the fleet's store was unreachable. */
    public long storeUnavailable() {
        return context.counters().storeUnavailable.sum();
    }

    /** Requests currently open. */
    public int openSessions() {
        return context.directory().openSessions();
    }

    /** Client connections open now. */
    public int openConnections() {
        return context.connections().count();
    }

    /** Contexts registered now in all open binds (draft-ietf-masque-connect-udp-listen-13 section 4). */
    public int openContexts() {
        int open = 0;
        for (UdpTunnel tunnel : context.directory().tunnels()) {
            if (tunnel instanceof BindTunnel bind) {
                open += bind.openContexts();
            }
        }
        return open;
    }

    /** Whether the relay's QUIC endpoint is up: started, not closed, its UDP socket open. */
    public boolean isListening() {
        return !closed && !socket.isClosed();
    }

    /** Sessions opened, datagrams and bytes forwarded each way and mailbox requests, since the relay started. */
    public RelayTraffic traffic() {
        return context.counters().traffic();
    }

    /** What the relay has refused or dropped so far, by cause, and the bytes it holds queued for clients now. */
    public RelayStatistics statistics() {
        return context.counters().snapshot(context.connections().sendQueueBytes(), streamExecutor.getActiveCount());
    }

    /** An operator of {@code punchline relay} sees refusals and drops in the log, once a minute when they grew. */
    private void logStatisticsEveryMinute() {
        RelayStatistics[] last = {statistics()};
        timer.scheduleAtFixedRate(() -> {
            RelayStatistics now = statistics();
            RelayStatistics before = last[0];
            long grew = now.targetsRefused() - before.targetsRefused() + now.sendQueueFull() - before.sendQueueFull()
                    + now.receiveQueueFull() - before.receiveQueueFull() + now.requestsTimedOut()
                    - before.requestsTimedOut() + now.requestsRejectedBusy() - before.requestsRejectedBusy()
                    + now.connectionsRefused() - before.connectionsRefused();
            if (grew > 0) {
                LOG.info("since start: {}", now);
            }
            last[0] = now;
        }, 1, 1, TimeUnit.MINUTES);
    }

    /**
     * Keeps this relay's binds in the fleet's directory: every {@link RedisPeerDirectory#REFRESH}, without waiting on
     * the timer thread. After a store outage this writes again what the store missed.
     */
    private void refreshDirectoryEntries() {
        long every = RedisPeerDirectory.REFRESH.toMillis();
        timer.scheduleAtFixedRate(() -> {
            List<BindTunnel> binds = new ArrayList<>();
            for (UdpTunnel tunnel : context.directory().tunnels()) {
                if (tunnel instanceof BindTunnel bind) {
                    binds.add(bind);
                }
            }
            try {
                context.mailbox().peers().publish(binds);
            } catch (RuntimeException e) {
                LOG.warn("refreshing the fleet directory failed", e); // a scheduled task that throws is not run again
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** kwik's counters (RTT, packets sent and lost) of each open tunnel's connection, by tunnel public address. */
    public Map<InetSocketAddress, Statistics> tunnelStatistics() {
        Map<InetSocketAddress, Statistics> result = new LinkedHashMap<>();
        for (UdpTunnel tunnel : context.directory().tunnels()) {
            result.put(tunnel.publicAddress(), tunnel.connection().quic().getStats());
        }
        return result;
    }

    @Override
    public void close() {
        closed = true;
        connector.close();
        streamExecutor.shutdownNow();
        datagramPool.shutdownNow();
        sockets.close();
        timer.shutdownNow();
        connectionTimers.close();
        if (store != null) {
            store.close();
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
