package io.punchline.ui.host;

import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the relay a window uses when none is configured: the same {@link RelayServer} as {@code punchline relay},
 * in process, with its identity in {@code relay/} of the configuration folder (so its pin stays the same across
 * starts). It asks for the configured port first (4433); the window that gets it writes the relay's contact to
 * {@code embedded-relay.contact}. When the port is taken, a second window of the same user on this machine binds on
 * the relay named in that file, so both copies share one relay; otherwise (the port is someone else's) the relay runs
 * on a free port and its contact is shown for the other side to use.
 */
public final class EmbeddedRelay {

    public static final String CONTACT_FILE = "embedded-relay.contact";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRelay.class);

    private final Path base;
    private final InetAddress bindAddress;
    private final int port;

    /**
     * @param base         the configuration folder (relay identity, contact file)
     * @param bindAddress  where the relay listens: the wildcard for a LAN, loopback in tests
     * @param port         the port asked for first
     */
    public EmbeddedRelay(Path base, InetAddress bindAddress, int port) {
        this.base = base;
        this.bindAddress = bindAddress;
        this.port = port;
    }

    /** Starts a relay on the asked-for port, or returns null when that port is taken. */
    public RelayChoice startOnPort() throws IOException {
        try {
            RelayServer server = start(port);
            if (port != 0) {
                Files.writeString(contactFile(), server.contact() + "\n", StandardCharsets.UTF_8);
            }
            return new RelayChoice(server.address(), server, "embedded relay on port " + server.listenAddress().getPort());
        } catch (SocketException e) {
            LOG.info("embedded relay: port {} is taken ({})", port, e.getMessage());
            return null;
        }
    }

    /** The embedded relay another window of this user announced, or null. */
    public RelayChoice shared() {
        try {
            if (!Files.exists(contactFile())) {
                return null;
            }
            RelayAddress address = RelayAddress.parse(Files.readString(contactFile(), StandardCharsets.UTF_8).trim());
            if (address.port() != port) {
                return null;
            }
            return new RelayChoice(address, null, "sharing the embedded relay of the other Punchline window on port "
                    + address.port());
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Starts a relay on a free port. */
    public RelayChoice startOnFreePort() throws IOException {
        RelayServer server = start(0);
        return new RelayChoice(server.address(), server, "embedded relay on port " + server.listenAddress().getPort()
                + " (port " + port + " is taken)");
    }

    /** Forgets the contact file when the relay that wrote it stops. */
    public void stopped(RelayChoice choice) {
        if (choice.server() == null) {
            return;
        }
        try {
            Path file = contactFile();
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).trim().equals(choice.server().contact())) {
                Files.delete(file);
            }
        } catch (IOException e) {
            // a stale file is detected on the next start: binding on it fails and a free port is used
        }
        choice.server().close();
    }

    private RelayServer start(int onPort) throws IOException {
        return RelayServer.start(RelayConfig.defaults(new InetSocketAddress(bindAddress, onPort))
                .withDataFolder(base.resolve("relay"))
                .withLoopbackTargets(true));
    }

    private Path contactFile() {
        return base.resolve(CONTACT_FILE);
    }
}
