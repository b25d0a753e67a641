package io.punchline.ui.host;

import io.punchline.crypto.PeerId;
import io.punchline.discovery.EmbeddedRelayConfig;
import io.punchline.discovery.LocalRelays;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The relay a window uses when none is configured: the same {@link RelayServer} as {@code punchline relay}, in
 * process, with its identity in {@code relay/} of the configuration folder (so its pin stays the same across starts).
 * Finding and announcing go through {@link LocalRelays}, the mechanism the CLI uses too: before embedding, the window
 * takes the relay another live Punchline (a window or {@code punchline send/receive}) of this user embeds on this
 * machine; when it embeds one itself, it announces it (temporary-folder file with its PID, LAN multicast), so a
 * {@code punchline receive CODE} started next to the window reaches the window's mailbox without flags. Its own relay
 * asks for the configured port first (4433, a stable contact for peers elsewhere), then any free port. It runs as
 * {@link EmbeddedRelayConfig} says: it serves this device, the peers it remembers and a device joining its open pairing
 * code, and forwards only between its own binds ({@link #SERVES}, shown in the relay pane).
 */
public final class EmbeddedRelay {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRelay.class);

    /** What an embedded relay serves, for the relay pane. */
    public static final String SERVES = EmbeddedRelayConfig.SERVES;

    private final Path base;
    private final Path ownerHome;
    private final InetAddress bindAddress;
    private final int port;
    private volatile AutoCloseable announcement;

    /**
     * @param base         the configuration folder (relay identity)
     * @param ownerHome    the folder of the identity and remembered peers of the device this relay serves
     * @param bindAddress  where the relay listens: the wildcard for a LAN, loopback in tests
     * @param port         the port asked for first
     */
    public EmbeddedRelay(Path base, Path ownerHome, InetAddress bindAddress, int port) {
        this.base = base;
        this.ownerHome = ownerHome;
        this.bindAddress = bindAddress;
        this.port = port;
    }

    /** The relay another live Punchline of this user embeds on this machine ({@link LocalRelays#onThisMachine}). */
    public RelayChoice shared() {
        Optional<RelayAddress> found = LocalRelays.onThisMachine(message -> { });
        return found.map(address -> new RelayChoice(address, null,
                "sharing the embedded relay of another Punchline on this machine (port " + address.port()
                        + "; it serves only its own device, the peers that device remembers and a device entering its "
                        + "pairing code)"))
                .orElse(null);
    }

    /** Starts a relay serving {@code owner} on the asked-for port, or returns null when that port is taken. */
    public RelayChoice startOnPort(PeerId owner) throws IOException {
        try {
            RelayServer server = start(port, owner);
            return new RelayChoice(server.address(), server, "embedded relay on port " + server.listenAddress().getPort()
                    + ": " + SERVES);
        } catch (SocketException e) {
            LOG.info("embedded relay: port {} is taken ({})", port, e.getMessage());
            return null;
        }
    }

    /** Starts a relay serving {@code owner} on a free port. */
    public RelayChoice startOnFreePort(PeerId owner) throws IOException {
        RelayServer server = start(0, owner);
        return new RelayChoice(server.address(), server, "embedded relay on port " + server.listenAddress().getPort()
                + " (port " + port + " is taken): " + SERVES);
    }

    /** Announces a relay this window embeds, once its engine is bound on it. */
    public void announce(RelayChoice choice) {
        if (choice.server() != null && announcement == null) {
            announcement = LocalRelays.announce(choice.address());
        }
    }

    /** Stops announcing and stops the relay when this window runs it. */
    public void stopped(RelayChoice choice) {
        AutoCloseable announced = announcement;
        announcement = null;
        if (announced != null) {
            try {
                announced.close();
            } catch (Exception e) {
                LOG.debug("relay announcement: {}", e.getMessage());
            }
        }
        if (choice.server() != null) {
            choice.server().close();
        }
    }

    private RelayServer start(int onPort, PeerId owner) throws IOException {
        return RelayServer.start(EmbeddedRelayConfig.of(new InetSocketAddress(bindAddress, onPort), base.resolve("relay"),
                owner, ownerHome));
    }
}
