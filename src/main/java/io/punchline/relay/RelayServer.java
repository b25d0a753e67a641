package io.punchline.relay;

import io.punchline.tls.CertificateFingerprint;
import io.punchline.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.cert.CertificateException;
import java.util.Collections;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Punchline relay: an HTTP/3 server (flupke on kwik) that serves MASQUE CONNECT-UDP (RFC 9298) and CONNECT-UDP
 * Bind (draft-ietf-masque-connect-udp-listen-13). Each accepted request gets its own UDP socket, announced to the
 * client in {@code proxy-public-address}.
 *
 * <p>The relay has a long-term TLS identity kept in its data folder; it is known to clients by
 * {@code HOST:PORT#FINGERPRINT} (see {@link #contact()}), which they pin.
 */
public final class RelayServer implements AutoCloseable {

    /** ALPN of HTTP/3 (RFC 9114 section 3.1). */
    public static final String H3 = "h3";

    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

    private final RelayConfig config;
    private final TlsIdentity tlsIdentity;
    private final ServerConnector connector;
    private final DatagramSocket socket;
    private final RelayContext context;
    private final ExecutorService streamExecutor;
    private final ScheduledExecutorService timer;

    private RelayServer(RelayConfig config, TlsIdentity tlsIdentity) throws IOException {
        this.config = config;
        this.tlsIdentity = tlsIdentity;
        this.socket = new DatagramSocket(config.listen());
        try {
            // every client's traffic arrives on this one socket: give the kernel room for bursts
            socket.setReceiveBufferSize(8 * 1024 * 1024);
            socket.setSendBufferSize(8 * 1024 * 1024);
        } catch (java.net.SocketException e) {
            // the kernel's limits apply
        }
        InetSocketAddress bound = new InetSocketAddress(config.listen().getAddress(), socket.getLocalPort());
        InetAddress announced = config.publicAddress() != null ? config.publicAddress() : announceableAddress(bound);
        AtomicInteger threads = new AtomicInteger();
        this.streamExecutor = Executors.newCachedThreadPool(r -> daemon(r, "relay-stream-" + threads.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "relay-timer"));
        TargetPolicy policy = new TargetPolicy(TargetPolicy.localAddresses(announced), socket.getLocalPort(),
                config.allowLoopbackTargets());
        this.context = new RelayContext(config, new BindDirectory(config), policy, announced, streamExecutor, timer);
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
                    .withLogger(new NullLogger())
                    .build();
        } catch (CertificateException e) {
            socket.close();
            throw new IOException("the relay's TLS certificate is not usable: " + e.getMessage(), e);
        }
        connector.registerApplicationProtocol(H3, new RelayProtocolFactory(context));
    }

    /** Starts a relay; its identity comes from {@code config.dataFolder()} (created on first start) or is fresh. */
    public static RelayServer start(RelayConfig config) throws IOException {
        TlsIdentity identity = config.dataFolder() != null
                ? TlsIdentity.loadOrCreate(config.dataFolder(), "punchline relay")
                : TlsIdentity.generate("punchline relay");
        RelayServer server = new RelayServer(config, identity);
        server.connector.start();
        LOG.info("relay listening on {} (announcing {}), fingerprint {}", server.listenAddress(),
                server.context.announcedAddress().getHostAddress(), server.fingerprint());
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

    public CertificateFingerprint fingerprint() {
        return tlsIdentity.fingerprint();
    }

    /** {@code HOST:PORT#FINGERPRINT}: what a client needs to reach and pin this relay. */
    public String contact() {
        InetSocketAddress address = dialAddress();
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return host + ":" + address.getPort() + "#" + fingerprint();
    }

    /** Requests currently open. */
    public int openSessions() {
        return context.directory().openSessions();
    }

    /** kwik's counters (RTT, packets sent and lost) of each open tunnel's connection, by tunnel public address. */
    public java.util.Map<InetSocketAddress, tech.kwik.core.Statistics> tunnelStatistics() {
        java.util.Map<InetSocketAddress, tech.kwik.core.Statistics> result = new java.util.LinkedHashMap<>();
        for (BindTunnel tunnel : context.directory().tunnels()) {
            result.put(tunnel.publicAddress(), tunnel.connection().quic().getStats());
        }
        return result;
    }

    @Override
    public void close() {
        connector.close();
        streamExecutor.shutdownNow();
        timer.shutdownNow();
    }

    private static InetAddress announceableAddress(InetSocketAddress bound) throws SocketException {
        InetAddress address = bound.getAddress();
        if (!address.isAnyLocalAddress()) {
            return address;
        }
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress candidate : Collections.list(nif.getInetAddresses())) {
                if (candidate instanceof Inet4Address && !candidate.isLinkLocalAddress()) {
                    return candidate;
                }
            }
        }
        return InetAddress.getLoopbackAddress();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
