package io.punchline.cli;

import io.punchline.config.DataFolders;
import io.punchline.crypto.Identity;
import io.punchline.discovery.LocalRelays;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

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
    private AutoCloseable announcement;

    RelayAddress relayAddress(RelayAddress fallback) throws IOException {
        if (relay != null) {
            return RelayAddress.parse(relay);
        }
        if (fallback != null) {
            return fallback;
        }
        java.util.Optional<RelayAddress> nearby = LocalRelays.find(LAN_WAIT);
        if (nearby.isPresent()) {
            System.err.println("punchline: no --relay given; using the relay another Punchline embeds at "
                    + nearby.get());
            return nearby.get();
        }
        embedded = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))
                .withLoopbackTargets(true));
        announcement = LocalRelays.announce(embedded.address());
        System.err.println("punchline: no --relay given; started an embedded relay at " + embedded.contact());
        return embedded.address();
    }

    Engine start(RelayAddress relayAddress) throws IOException, BindException {
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
