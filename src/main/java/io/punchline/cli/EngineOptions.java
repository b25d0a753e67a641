package io.punchline.cli;

import io.punchline.config.DataFolders;
import io.punchline.crypto.Identity;
import io.punchline.discovery.EmbeddedRelayConfig;
import io.punchline.discovery.LocalRelays;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayServer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** Options shared by the commands that run an engine. */
final class EngineOptions {

    @Option(names = "--relay", paramLabel = "HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID",
            description = "Relay to bind on, as `punchline relay` printed it.")
    String relay;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:0", converter = SocketAddressConverter.class,
            description = "The engine's UDP socket (default: ${DEFAULT-VALUE}, any free port).")
    InetSocketAddress listen;

    @Option(names = "--json", description = "Print one JSON event per line on standard output.")
    boolean json;

    @Option(names = "--relay-only",
            description = "Keep sessions on the relay: no hole punching (the peer never learns this machine's addresses).")
    boolean relayOnly;

    @Option(names = "--name", paramLabel = "DEVICE",
            description = "The name paired peers remember this device by (default: the host name).")
    String deviceName;

    /** How long to listen for a relay another Punchline on the LAN announces (it does every 2 s). */
    private static final java.time.Duration LAN_WAIT = java.time.Duration.ofMillis(2300);

    /** The relay started in process when no relay is given and none runs nearby. */
    RelayServer embedded;
    /** The relay found nearby (another Punchline's embedded relay), if that is the one in use. */
    private RelayAddress discovered;
    private AutoCloseable announcement;

    RelayAddress relayAddress(RelayAddress fallback) throws IOException {
        if (relay != null) {
            return RelayAddress.parse(relay);
        }
        if (fallback != null) {
            return fallback;
        }
        java.util.Optional<RelayAddress> nearby = LocalRelays.find(LAN_WAIT, this::discoveryWarning);
        if (nearby.isPresent()) {
            System.err.println("punchline: no --relay given; using the relay another Punchline embeds at "
                    + nearby.get() + " (it serves only its own device, the peers that device remembers and a device "
                    + "entering its pairing code)");
            discovered = nearby.get();
            return nearby.get();
        }
        return embed();
    }

    private RelayAddress embed() throws IOException {
        Path home = DataFolders.config();
        embedded = RelayServer.start(EmbeddedRelayConfig.of(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0),
                null, Identity.loadOrCreate(home).peerId(), home));
        announcement = LocalRelays.announce(embedded.address());
        System.err.println("punchline: no --relay given; started an embedded relay at " + embedded.contact()
                + " (" + EmbeddedRelayConfig.SERVES + ")");
        return embedded.address();
    }

    /**
     * A discovery warning (a refused announcement file, a relay that did not prove its identity, conflicting
     * announcements): logged on standard error by {@link LocalRelays}; with --json also a {@code relay.warning} event.
     */
    private void discoveryWarning(String message) {
        if (json) {
            new EventPrinter(true, System.out, System.err).result("relay.warning", message, "message", message);
        }
    }

    /**
     * Starts the engine on {@code relayAddress}. When that is a relay another Punchline embeds and it does not let this
     * device bind (it serves only its own device, its remembered peers and a device entering its open code), embeds a
     * relay of its own instead.
     */
    Engine start(RelayAddress relayAddress) throws IOException, BindException {
        try {
            return startOn(relayAddress);
        } catch (BindException e) {
            if (discovered == null || !discovered.equals(relayAddress)) {
                throw e;
            }
            System.err.println("punchline: the relay another Punchline embeds at " + relayAddress.authority()
                    + " does not serve this device (" + e.getMessage() + "); starting an embedded relay instead");
            discovered = null;
            return startOn(embed());
        }
    }

    private Engine startOn(RelayAddress relayAddress) throws IOException, BindException {
        Identity identity = Identity.loadOrCreate(DataFolders.config());
        EngineConfig config = EngineConfig.of(identity, relayAddress).withListen(listen).withHome(DataFolders.config())
                .withTraversal(!relayOnly);
        return Engine.start(deviceName != null ? config.withDeviceName(deviceName) : config);
    }

    void close() {
        if (announcement != null) {
            try {
                announcement.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
