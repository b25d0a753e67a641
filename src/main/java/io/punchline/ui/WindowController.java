package io.punchline.ui;

import io.punchline.crypto.PeerId;
import io.punchline.discovery.ChosenRelay;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineEvent;
import io.punchline.engine.PairingInvite;
import io.punchline.masque.RelayFleet;
import io.punchline.pairing.RememberedPeers;
import io.punchline.session.PeerSession;
import io.punchline.transfer.IncomingOffer;
import io.punchline.transfer.OutgoingTransfer;
import io.punchline.transfer.Transfer;
import io.punchline.ui.host.EngineHost;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.EventPump;
import io.punchline.ui.model.Meter;
import io.punchline.ui.settings.Settings;
import io.punchline.ui.settings.SettingsStore;
import javafx.application.HostServices;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The window's actions, carried out on its engine. Everything that blocks runs through one {@link WindowWork} (its
 * futures complete on the FX thread; starting, stopping and dialling in order); events reach the model in batches
 * through an {@link EventPump}; throughput and RTT are sampled four times a second and handed to the FX thread at most
 * once per pending sample. The action methods are called on the FX thread, and nothing here blocks it.
 */
final class WindowController implements MainWindow.Actions, AutoCloseable {

    static final Duration SAMPLE_PERIOD = Duration.ofMillis(250);
    static final long TEST_BYTES = 20_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(WindowController.class);

    private final DashboardModel model;
    private final WindowWork work;
    private final Path identityFolder;
    private final Path configBase;
    private final SettingsStore store;
    private final InetSocketAddress listen;
    private final InetAddress relayBind;
    private final HostServices desktop;
    private final ObjectProperty<Settings> settings = new SimpleObjectProperty<>();
    private final AtomicBoolean samplePending = new AtomicBoolean();
    private volatile EngineHost host;
    private Runnable unsubscribe = () -> { };

    /** A controller without a desktop to open folders in (tests). */
    WindowController(DashboardModel model, Executor fx, Path identityFolder, Path configBase, SettingsStore store,
                     InetSocketAddress listen, InetAddress relayBind) {
        this(model, fx, identityFolder, configBase, store, listen, relayBind, null);
    }

    /** @param desktop opens folders in the file manager; null where there is none */
    WindowController(DashboardModel model, Executor fx, Path identityFolder, Path configBase, SettingsStore store,
                     InetSocketAddress listen, InetAddress relayBind, HostServices desktop) {
        this.model = model;
        this.work = new WindowWork(fx);
        this.identityFolder = identityFolder;
        this.configBase = configBase;
        this.store = store;
        this.listen = listen;
        this.relayBind = relayBind;
        this.desktop = desktop;
        this.settings.set(store.load());
        work.every(SAMPLE_PERIOD, this::sample);
    }

    ObjectProperty<Settings> settingsProperty() {
        return settings;
    }

    @Override
    public Settings settings() {
        return settings.get();
    }

    /** Starts the engine with the current settings. */
    void start() {
        Settings current = settings.get();
        work.inOrder(() -> startNow(current));
    }

    private Void startNow(Settings current) {
        work.fx(() -> {
            model.reset();
            model.statusProperty().set(current.embeddedRelay() ? "Starting the embedded relay and the engine…"
                    : "Connecting to the relay…");
        });
        EngineHost starting = new EngineHost(identityFolder, configBase, current, listen, relayBind);
        try {
            Engine engine = starting.start();
            host = starting;
            ChosenRelay relay = starting.relay();
            EventPump pump = new EventPump(work::fx, batch -> {
                model.applyAll(batch);
                if (batch.stream().anyMatch(t -> t.event() instanceof EngineEvent.Paired
                        || t.event() instanceof EngineEvent.SessionOpened)) {
                    refreshRemembered();
                }
            });
            unsubscribe = engine.events().subscribe(pump);
            engine.onOffer(offer -> work.fx(() -> model.transfers().offered(offer)));
            List<RememberedPeers.Peer> paired = engine.rememberedPeers();
            // the engine reported its bind while starting, before anyone could subscribe
            EngineEvent bound = new EngineEvent.RelayBound(engine.relay().toString(),
                    engine.contact().bindAddress().toString());
            String contact = engine.contact().toString();
            String identity = engine.peerId().fingerprint();
            work.fx(() -> {
                model.identityProperty().set(identity);
                model.setRemembered(paired);
                model.relay().describe(engine.relay().toString(), relay.embedded(), relay.origin());
                model.relay().ownContactProperty().set(contact);
                model.apply(bound, System.currentTimeMillis());
                model.statusProperty().set("Ready: " + relay.origin() + (paired.isEmpty()
                        ? "; pair with a peer (Ctrl+P) to send files" : "; drop files on a paired peer to send them"));
            });
        } catch (Exception e) {
            starting.close();
            LOG.warn("engine did not start", e);
            work.fx(() -> {
                model.relay().describe(current.embeddedRelay() ? "" : current.relay(), current.embeddedRelay(),
                        current.embeddedRelay() ? "embedded relay" : "configured relay");
                model.lastErrorProperty().set(e.getMessage());
                model.statusProperty().set("The engine did not start: " + e.getMessage() + " (check the relay in Settings)");
            });
        }
        return null;
    }

    /** Dials a contact after the engine's start; failures go to the status bar. */
    @Override
    public void dial(String contact) {
        status("Dialling " + PeerId.shortFingerprint(contact) + "…");
        work.inOrder(() -> {
            EngineHost running = host;
            if (running == null) {
                throw new IOException("the engine is not running");
            }
            return running.dial(contact);
        }).whenComplete((session, error) -> {
            if (error instanceof IllegalArgumentException) {
                model.statusProperty().set("Not a contact: " + error.getMessage());
            } else if (error != null) {
                model.lastErrorProperty().set(error.getMessage());
                model.statusProperty().set("Dial failed: " + error.getMessage());
            }
        });
    }

    /** Sends {@link #TEST_BYTES} of test data to a peer; the outcome goes to the status bar. */
    @Override
    public void sendTestData(String peer) {
        EngineHost running = host;
        if (running == null) {
            return;
        }
        String shortPeer = PeerId.shortFingerprint(peer);
        status("Sending " + TEST_BYTES / 1_000_000 + " MB of test data to " + shortPeer + "…");
        work.supply(() -> {
            long start = System.nanoTime();
            running.sendTestData(peer, TEST_BYTES);
            return Math.max(1, (System.nanoTime() - start) / 1_000_000);
        }).whenComplete((millis, error) -> model.statusProperty().set(error != null
                ? "Test data to " + shortPeer + " failed: " + error.getMessage()
                : "Test data verified by " + shortPeer + ": " + TEST_BYTES / 1_000_000 + " MB in " + millis + " ms ("
                + Format.rate(TEST_BYTES * 1000 / millis) + ")"));
    }

    /** Shows a sentence in the status bar. */
    void status(String text) {
        work.fx(() -> model.statusProperty().set(text));
    }

    /** The running engine, or null. */
    Engine engine() {
        EngineHost running = host;
        return running == null ? null : running.engine();
    }

    private Engine running() throws IOException {
        Engine engine = engine();
        if (engine == null) {
            throw new IOException("the engine is not running");
        }
        return engine;
    }

    /** Reads the paired peers again (after pairing, rename, forget, a session); on the FX thread. */
    void refreshRemembered() {
        Engine engine = engine();
        if (engine != null) {
            model.setRemembered(engine.rememberedPeers());
        }
    }

    /** Creates a pairing code on the relay. */
    @Override
    public CompletableFuture<PairingInvite> invite() {
        return work.supply(() -> running().invite());
    }

    /** Enters the other side's code; completes with the paired peer, or a {@code PairingException}. */
    @Override
    public CompletableFuture<RememberedPeers.Peer> join(String code) {
        try {
            return work.onFx(running().join(code));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Voids a pairing code nobody used. */
    @Override
    public void cancel(PairingInvite invite) {
        work.run(invite::cancel);
    }

    /** Renames a paired peer; fails with a message for people (e.g. the name is taken). */
    @Override
    public CompletableFuture<Void> renamePeer(String name, String newName) {
        return work.run(() -> running().renamePeer(name, newName)).thenRun(this::refreshRemembered);
    }

    @Override
    public CompletableFuture<Void> forgetPeer(String name) {
        return work.run(() -> running().forgetPeer(name)).thenRun(this::refreshRemembered);
    }

    /** Connects to a paired peer (open session, or found through the relay) and offers the files. */
    @Override
    public CompletableFuture<Void> sendFiles(String peerName, List<Path> paths) {
        status("Connecting to " + peerName + "…");
        return work.supply(() -> {
            Engine engine = running();
            RememberedPeers.Peer peer = engine.rememberedPeer(peerName)
                    .orElseThrow(() -> new IOException("no paired peer named " + peerName));
            PeerSession session = host.connect(peer);
            OutgoingTransfer transfer = engine.sendFiles(session, paths);
            String folder = paths.isEmpty() ? null : (Files.isDirectory(paths.get(0)) ? paths.get(0)
                    : paths.get(0).toAbsolutePath().getParent()).toString();
            return new Offered(transfer.id().hex(), peer.fingerprint(), folder);
        }).handle((offered, error) -> {
            if (error != null) {
                model.statusProperty().set("Sending to " + peerName + " failed: " + error.getMessage());
                throw new CompletionException(error);
            }
            model.transfers().rowOrNew(offered.id(), offered.fingerprint()).folderProperty().set(offered.folder());
            model.statusProperty().set("Offered " + paths.size() + " item(s) to " + peerName);
            return null;
        });
    }

    /** A transfer offered to a peer: its ID (hex), the peer's fingerprint, the folder the files are in. */
    private record Offered(String id, String fingerprint, String folder) {
    }

    /** Accepts an offer (all, or the manifest paths in {@code selection}) into {@code folder}. */
    @Override
    public void accept(IncomingOffer offer, Path folder, Set<String> selection) {
        String id = offer.id().hex();
        model.transfers().answered(offer);
        model.transfers().rowOrNew(id, offer.peer().fingerprint()).folderProperty().set(folder.toString());
        work.run(() -> {
            try {
                Files.createDirectories(folder);
                offer.accept(folder, selection);
            } catch (IOException | RuntimeException e) {
                offer.decline();
                throw e;
            }
        }).whenComplete((ok, error) -> {
            if (error != null) {
                model.statusProperty().set("Could not accept the files: " + error.getMessage());
            }
        });
    }

    @Override
    public void decline(IncomingOffer offer) {
        model.transfers().answered(offer);
        work.run(offer::decline).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.debug("decline: {}", error.getMessage());
            }
        });
    }

    /** Cancels a running transfer by its ID (hex). */
    @Override
    public void cancelTransfer(String id) {
        Engine engine = engine();
        if (engine == null) {
            return;
        }
        work.run(() -> engine.activeTransfers().stream().filter(t -> t.id().hex().equals(id))
                .findFirst().ifPresent(Transfer::cancel));
    }

    @Override
    public void openFolder(String folder) {
        if (desktop == null || folder == null) {
            return;
        }
        try {
            desktop.showDocument(Path.of(folder).toUri().toString());
        } catch (RuntimeException e) {
            status("Could not open " + folder + ": " + e.getMessage());
        }
    }

    /**
     * Saves new settings (temp file, atomic move) and restarts the engine when the relay or port mapping changed. Returns an error
     * message, or null.
     */
    @Override
    public String apply(Settings next) {
        if (!next.embeddedRelay()) {
            try {
                RelayFleet.parse(next.relay());
            } catch (IllegalArgumentException e) {
                return "The relay is not HOST:PORT[,HOST:PORT...]#TLS_FINGERPRINT#RELAY_PEER_ID: " + e.getMessage();
            }
        }
        Settings before = settings.get();
        try {
            store.save(next);
        } catch (IOException e) {
            return "Settings could not be saved: " + e.getMessage();
        }
        settings.set(next);
        boolean relayChanged = !Objects.equals(before.relay(), next.relay())
                || before.embeddedRelayPort() != next.embeddedRelayPort()
                || before.portMappingOn() != next.portMappingOn(); // the engine reads it when it starts
        if (relayChanged) {
            work.inOrder(() -> {
                stopNow();
                return startNow(next);
            });
        }
        model.statusProperty().set("Settings saved to " + store.file() + (relayChanged ? "; restarting the engine" : ""));
        return null;
    }

    private void sample() {
        EngineHost running = host;
        Engine engine = running == null ? null : running.engine();
        if (engine == null || !samplePending.compareAndSet(false, true)) {
            return;
        }
        try {
            Meter meter = new Meter(System.currentTimeMillis(), engine.relayedBytes(), engine.directBytes(),
                    engine.relayRttMillis(), engine.relayContexts(), running.sessionRtts());
            work.fx(() -> {
                samplePending.set(false);
                model.sample(meter);
            });
        } catch (RuntimeException e) {
            samplePending.set(false); // the engine is closing
        }
    }

    private void stopNow() {
        unsubscribe.run();
        unsubscribe = () -> { };
        EngineHost running = host;
        host = null;
        if (running != null) {
            running.close();
        }
    }

    /** Stops the engine (waiting up to 5 s) and every thread of the window. */
    @Override
    public void close() {
        work.inOrder(() -> {
            stopNow();
            return null;
        });
        work.close();
    }
}
