package io.punchline.ui.host;

import io.punchline.crypto.Identity;
import io.punchline.discovery.ChosenRelay;
import io.punchline.discovery.RelayChoice;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.TestStream;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayFleet;
import io.punchline.pairing.RememberedPeers;
import io.punchline.session.PeerContact;
import io.punchline.session.PeerSession;
import io.punchline.ui.settings.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the window's engine: picks the relay ({@link RelayChoice}: the configured one, else the relay another
 * Punchline of this user embeds on this machine, else one embedded here on the settings' port or a free one, with its
 * identity in {@code relay/} of the configuration folder so its pin stays the same across starts), starts the
 * {@link Engine} with the profile folder as its home (identity, paired peers) and the device name from the settings,
 * lets only paired peers dial in, and dials contacts. The engine answers test data itself. Every
 * method that touches the network blocks: the window calls them on its background executor, never on the FX thread.
 * No JavaFX here.
 */
public final class EngineHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineHost.class);

    private final Path identityFolder;
    private final Path configBase;
    private final InetAddress relayBind;
    private final InetSocketAddress listen;
    private final Settings settings;
    private final Map<String, PeerSession> sessions = new ConcurrentHashMap<>();
    private volatile Engine engine;
    private volatile RelayChoice relays;

    /**
     * @param identityFolder  where the engine's identity lives (the window's profile)
     * @param configBase      the configuration folder (embedded relay identity)
     * @param settings        relay choice and port
     * @param listen          the engine's UDP socket address
     * @param relayBind       the embedded relay's listen address
     */
    public EngineHost(Path identityFolder, Path configBase, Settings settings, InetSocketAddress listen,
                      InetAddress relayBind) {
        this.identityFolder = identityFolder;
        this.settings = settings;
        this.listen = listen;
        this.configBase = configBase;
        this.relayBind = relayBind;
    }

    /** Chooses the relay ({@link RelayChoice}: configured, else shared, else embedded) and starts the engine; blocking. */
    public Engine start() throws IOException, BindException {
        Identity identity = Identity.loadOrCreate(identityFolder);
        RelayFleet configured = settings.embeddedRelay() ? null : RelayFleet.parse(settings.relay());
        RelayChoice.Embedding embedding = new RelayChoice.Embedding(
                new InetSocketAddress(relayBind, settings.embeddedRelayPort()), configBase.resolve("relay"),
                identity.peerId(), identityFolder);
        relays = new RelayChoice(new RelayChoice.Rules(configured, null, null, embedding), new RelayChoice.Listener() {
            @Override
            public void fellBack(String sentence) {
                LOG.info(sentence);
            }
        });
        return relays.start(relay -> started(Engine.start(config(identity, relay))));
    }

    private EngineConfig config(Identity identity, RelayFleet relays) {
        String name = settings.deviceName() == null || settings.deviceName().isBlank()
                ? EngineConfig.defaultDeviceName() : settings.deviceName();
        return EngineConfig.of(identity, relays).withListen(listen).withHome(identityFolder)
                .withDeviceName(name).withPortMapping(settings.portMappingOn());
    }

    private Engine started(Engine started) {
        this.engine = started;
        started.acceptOnlyRememberedPeers();
        started.onSession(this::track);
        return started;
    }

    /** The engine, once {@link #start} returned. */
    public Engine engine() {
        return engine;
    }

    /** The relay in use, once {@link #start} returned. */
    public ChosenRelay relay() {
        RelayChoice choice = relays;
        return choice == null ? null : choice.chosen();
    }

    /** Dials {@code PEER@BIND@RELAY}; blocking until the post-quantum handshake is done. */
    public PeerSession dial(String contact) throws IOException {
        Engine running = engine;
        if (running == null) {
            throw new IOException("the engine is not running");
        }
        PeerContact peer = PeerContact.parse(contact.trim());
        PeerSession session = running.dial(peer);
        track(session);
        return session;
    }

    /**
     * A session with a paired peer: the open one or a new one through the relay ({@link Engine#connect}); blocking.
     */
    public PeerSession connect(RememberedPeers.Peer peer) throws IOException {
        Engine running = engine;
        if (running == null) {
            throw new IOException("the engine is not running");
        }
        PeerSession session = running.connect(peer);
        track(session);
        return session;
    }

    /**
     * Keeps the session for RTT sampling and test data, whichever side opened it. The engine itself routes the
     * session's streams (test data, file offers and files).
     */
    private void track(PeerSession session) {
        String peer = session.peer().fingerprint();
        sessions.put(peer, session);
        session.closed().thenRun(() -> sessions.remove(peer, session));
    }

    /**
     * Sends test data to a peer on a new stream, as {@code punchline dial} does; the peer checks it by SHA-256 and
     * answers. Blocking until the answer arrived.
     */
    public void sendTestData(String peer, long bytes) throws IOException {
        Engine running = engine;
        PeerSession session = sessions.get(peer);
        if (running == null || session == null) {
            throw new IOException("no open session with " + peer);
        }
        TestStream.send(running, session, bytes, System.nanoTime());
    }

    /** Each open session's smoothed RTT in milliseconds (kwik's estimate over the live path). */
    public Map<String, Long> sessionRtts() {
        Map<String, Long> rtts = new LinkedHashMap<>();
        sessions.forEach((peer, session) -> {
            try {
                rtts.put(peer, session.pathStats().rttMillis());
            } catch (RuntimeException e) {
                // a closing session has no statistics
            }
        });
        return rtts;
    }

    @Override
    public void close() {
        Engine running = engine;
        engine = null;
        if (running != null) {
            running.close();
        }
        RelayChoice choice = relays;
        relays = null;
        if (choice != null) {
            choice.close();
        }
        sessions.clear();
    }
}
