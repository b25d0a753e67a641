package io.punchline.discovery;

import io.punchline.crypto.PeerId;
import io.punchline.discovery.ChosenRelay.Source;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayFleet;
import io.punchline.relay.RelayServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Which relay an engine binds on: one set of rules for the CLI ({@code send}, {@code receive}, {@code listen},
 * {@code dial}) and the window. In order of precedence:
 * <ol>
 *   <li>the configured relay or fleet ({@code --relay}, the window's settings; the engine measures a fleet's relays
 *   and binds on the nearest);</li>
 *   <li>the relay in the contact being dialled;</li>
 *   <li>a relay another Punchline of this user embeds ({@link LocalRelays}): on this machine, then, when
 *   {@link Rules#lanWait} is given, one on the LAN that proved its identity;</li>
 *   <li>a relay embedded in this process ({@link EmbeddedRelayConfig}): on the asked-for port, else any free port.</li>
 * </ol>
 * When the engine cannot bind on a nearby relay (it serves only its own device, the peers that device remembers and
 * a device entering its pairing code; or it does not answer), a relay is embedded instead. An embedded relay is
 * announced ({@link LocalRelays#announce}) once the engine is bound on it; {@link #close} withdraws the announcement
 * and stops the relay.
 */
public final class RelayChoice implements AutoCloseable {

    /** Whom a nearby relay serves, in the words of the relay pane and the CLI. */
    public static final String NEARBY_SERVES = "it serves only its own device, the peers that device remembers and a "
            + "device entering its pairing code";
    private static final Logger LOG = LoggerFactory.getLogger(RelayChoice.class);

    /** Starts an engine on a relay. */
    @FunctionalInterface
    public interface Bind<T> {
        T on(RelayFleet relays) throws IOException, BindException;
    }

    /** What the choice tells its caller (all optional). */
    public interface Listener {
        /** A relay nobody configured is about to be used: a nearby one, or one embedded here. */
        default void chose(ChosenRelay relay) {
        }

        /** A nearby relay did not take this device; one is embedded instead. One sentence. */
        default void fellBack(String sentence) {
        }

        /** A discovery warning: a refused announcement file, an unproven relay, conflicting announcements. */
        default void warning(String message) {
        }
    }

    /**
     * How a relay is embedded.
     *
     * @param listen     where it listens; a port other than 0 is asked for first, then any free port
     * @param dataFolder its identities (null: fresh ones in memory)
     * @param owner      the device it serves
     * @param ownerHome  the folder whose remembered peers it serves too
     */
    public record Embedding(InetSocketAddress listen, Path dataFolder, PeerId owner, Path ownerHome) {
    }

    /**
     * What the caller knows.
     *
     * @param configured the configured relay or fleet, or null
     * @param peersRelay the relay of the contact being dialled, or null
     * @param lanWait    how long to listen for relays announced on the LAN; null: this machine only
     * @param embedding  how to embed a relay when no other is found
     */
    public record Rules(RelayFleet configured, RelayAddress peersRelay, Duration lanWait, Embedding embedding) {
    }

    private final Rules rules;
    private final Listener listener;
    private final Path announcementFolder;
    private final int groupPort;
    private volatile ChosenRelay chosen;
    private volatile AutoCloseable announcement;

    public RelayChoice(Rules rules, Listener listener) {
        this(rules, listener, LocalRelays.announcementFolder(), LocalRelays.GROUP_PORT);
    }

    /** With the announcement folder and the multicast port given (tests). */
    RelayChoice(Rules rules, Listener listener, Path announcementFolder, int groupPort) {
        this.rules = rules;
        this.listener = listener;
        this.announcementFolder = announcementFolder;
        this.groupPort = groupPort;
    }

    /** The relay by the rules above, embedding one when no other is found; chosen once. Blocking. */
    public ChosenRelay choose() throws IOException {
        ChosenRelay relay = chosen;
        if (relay == null) {
            relay = first();
            chosen = relay;
        }
        return relay;
    }

    /** The relay chosen, or null before {@link #choose} and after {@link #close}. */
    public ChosenRelay chosen() {
        return chosen;
    }

    /**
     * Binds on the chosen relay with {@code bind} (choosing first if need be); a nearby relay that does not take this
     * device is replaced by an embedded one. An embedded relay is announced once bound on, stopped when binding fails.
     */
    public <T> T start(Bind<T> bind) throws IOException, BindException {
        ChosenRelay relay = choose();
        if (relay.source() == Source.NEARBY) {
            try {
                return bind.on(relay.relays());
            } catch (BindException e) {
                listener.fellBack("the relay another Punchline embeds at " + relay.address().authority()
                        + " does not serve this device (" + e.getMessage() + "); starting an embedded relay instead");
            } catch (IOException e) {
                listener.fellBack("the relay another Punchline embeds at " + relay.address().authority()
                        + " does not answer (" + e.getMessage() + "); starting an embedded relay instead");
            }
            relay = embed();
            chosen = relay;
        }
        try {
            T started = bind.on(relay.relays());
            if (relay.embedded() && announcement == null) {
                announcement = LocalRelays.announce(relay.address(), announcementFolder, groupPort);
            }
            return started;
        } catch (IOException | BindException | RuntimeException e) {
            if (relay.embedded()) {
                close();
            }
            throw e;
        }
    }

    private ChosenRelay first() throws IOException {
        if (rules.configured() != null) {
            return new ChosenRelay(rules.configured(), null, Source.CONFIGURED, rules.configured().size() == 1
                    ? "configured relay" : "configured fleet of " + rules.configured().size() + " relays");
        }
        if (rules.peersRelay() != null) {
            return new ChosenRelay(RelayFleet.of(rules.peersRelay()), null, Source.PEERS_RELAY, "the relay of the dialled contact");
        }
        Optional<ChosenRelay> nearby = nearby();
        if (nearby.isPresent()) {
            listener.chose(nearby.get());
            return nearby.get();
        }
        return embed();
    }

    private Optional<ChosenRelay> nearby() {
        Optional<RelayAddress> local = LocalRelays.onThisMachine(announcementFolder, listener::warning);
        if (local.isPresent()) {
            return local.map(address -> new ChosenRelay(RelayFleet.of(address), null, Source.NEARBY, "sharing the embedded relay of "
                    + "another Punchline on this machine (port " + address.port() + "; " + NEARBY_SERVES + ")"));
        }
        if (rules.lanWait() == null) {
            return Optional.empty();
        }
        return LocalRelays.onTheLan(rules.lanWait(), groupPort, LocalRelays::identityProblem, listener::warning)
                .map(address -> new ChosenRelay(RelayFleet.of(address), null, Source.NEARBY, "sharing the embedded relay of another "
                        + "Punchline on the LAN (" + address.authority() + "; " + NEARBY_SERVES + ")"));
    }

    private ChosenRelay embed() throws IOException {
        Embedding embedding = rules.embedding();
        InetSocketAddress listen = embedding.listen();
        String taken = "";
        RelayServer server;
        try {
            server = RelayServer.start(EmbeddedRelayConfig.of(listen, embedding.dataFolder(), embedding.owner(),
                    embedding.ownerHome()));
        } catch (SocketException e) {
            if (listen.getPort() == 0) {
                throw e;
            }
            LOG.info("embedded relay: port {} is taken ({})", listen.getPort(), e.getMessage());
            server = RelayServer.start(EmbeddedRelayConfig.of(new InetSocketAddress(listen.getAddress(), 0),
                    embedding.dataFolder(), embedding.owner(), embedding.ownerHome()));
            taken = " (port " + listen.getPort() + " is taken)";
        }
        ChosenRelay own = new ChosenRelay(RelayFleet.of(server.address()), server, Source.EMBEDDED, "embedded relay on port "
                + server.listenAddress().getPort() + taken + ": " + EmbeddedRelayConfig.SERVES);
        listener.chose(own);
        return own;
    }

    /** Withdraws the announcement and stops the relay this process embeds, if any. */
    @Override
    public void close() {
        AutoCloseable announced = announcement;
        announcement = null;
        if (announced != null) {
            try {
                announced.close();
            } catch (Exception e) {
                LOG.debug("relay announcement: {}", e.getMessage());
            }
        }
        ChosenRelay relay = chosen;
        chosen = null;
        if (relay != null && relay.server() != null) {
            relay.server().close();
        }
    }
}
