package io.punchline.cli;

import io.punchline.config.DataFolders;
import io.punchline.crypto.Identity;
import io.punchline.discovery.ChosenRelay;
import io.punchline.discovery.EmbeddedRelayConfig;
import io.punchline.discovery.LocalRelays;
import io.punchline.discovery.RelayChoice;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayFleet;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/** Options shared by the commands that run an engine. */
final class EngineOptions {

    @Option(names = "--relay", paramLabel = "HOST:PORT[,HOST:PORT...]#TLS_FINGERPRINT#RELAY_PEER_ID",
            converter = RelayFleetConverter.class,
            description = "Relay to bind on, as `punchline relay` printed it; or the relays of a fleet, comma-separated "
                    + "(the engine binds on the nearest and fails over to the next).")
    RelayFleet relay;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "[::]:0", converter = SocketAddressConverter.class,
            description = "The engine's UDP socket (default: ${DEFAULT-VALUE}, any free port).")
    InetSocketAddress listen;

    @Option(names = "--json", description = "Print one JSON event per line on standard output.")
    boolean json;

    @Option(names = "--relay-only",
            description = "Keep sessions on the relay: no hole punching (the peer never learns this machine's addresses).")
    boolean relayOnly;

    @Option(names = "--no-port-mapping",
            description = "Do not ask the local gateway (PCP, NAT-PMP, UPnP-IGD) to map the engine's port.")
    boolean noPortMapping;

    @Option(names = "--name", paramLabel = "DEVICE",
            description = "The name paired peers remember this device by (default: the host name).")
    String deviceName;

    /** How long to listen for a relay another Punchline on the LAN announces (it does every 2 s). */
    private static final Duration LAN_WAIT = Duration.ofMillis(2300);

    private RelayChoice relays;
    /** Loaded once: expanding an ML-DSA-65 key from its seed is tens of milliseconds of a cold start. */
    private Identity identity;

    /**
     * The relay to bind on ({@link RelayChoice}: {@code --relay}, else {@code peersRelay}, else one another Punchline
     * embeds nearby, else an embedded one, started here); of a configured fleet the first (all have the same pins);
     * blocking.
     */
    RelayAddress relayAddress(RelayAddress peersRelay) throws IOException {
        RelayFleet configured = relay;
        Path home = DataFolders.config();
        RelayChoice.Embedding embedding = new RelayChoice.Embedding(
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), null, identity().peerId(), home);
        relays = new RelayChoice(new RelayChoice.Rules(configured, peersRelay, LAN_WAIT, embedding), notes());
        return relays.choose().address();
    }

    /** What the relay choice says on standard error (and, for discovery warnings, as --json events). */
    private RelayChoice.Listener notes() {
        return new RelayChoice.Listener() {
            @Override
            public void chose(ChosenRelay chosen) {
                System.err.println("punchline: no --relay given; " + (chosen.embedded()
                        ? "started an embedded relay at " + chosen.server().contact() + " (" + EmbeddedRelayConfig.SERVES + ")"
                        : "using the relay another Punchline embeds at " + chosen.address() + " ("
                        + RelayChoice.NEARBY_SERVES + ")"));
            }

            @Override
            public void fellBack(String sentence) {
                System.err.println("punchline: " + sentence);
            }

            @Override
            public void warning(String message) {
                discoveryWarning(message);
            }
        };
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
     * Starts the engine on the relay {@link #relayAddress} chose (choosing first, with no peer's relay, if it was not
     * called). When that is a relay another Punchline embeds and it
     * does not let this device bind (it serves only its own device, its remembered peers and a device entering its
     * open code), embeds a relay of its own instead.
     */
    Engine start() throws IOException, BindException {
        if (relays == null) {
            relayAddress(null);
        }
        return relays.start(this::startOn);
    }

    private Identity identity() throws IOException {
        if (identity == null) {
            identity = Identity.loadOrCreate(DataFolders.config());
        }
        return identity;
    }

    private Engine startOn(RelayFleet relayAddresses) throws IOException, BindException {
        EngineConfig config = EngineConfig.of(identity(), relayAddresses).withListen(listen).withHome(DataFolders.config())
                .withTraversal(!relayOnly).withPortMapping(!noPortMapping);
        return Engine.start(deviceName != null ? config.withDeviceName(deviceName) : config);
    }

    void close() {
        if (relays != null) {
            relays.close();
        }
    }
}
