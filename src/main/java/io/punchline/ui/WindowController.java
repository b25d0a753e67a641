package io.punchline.ui;

import io.punchline.crypto.PeerId;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineEvent;
import io.punchline.engine.PairingInvite;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.RememberedPeers;
import io.punchline.session.PeerSession;
import io.punchline.transfer.IncomingOffer;
import io.punchline.transfer.OutgoingTransfer;
import io.punchline.masque.RelayAddress;
import io.punchline.ui.host.EngineHost;
import io.punchline.discovery.ChosenRelay;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.EventPump;
import io.punchline.ui.model.Meter;
import io.punchline.ui.settings.Settings;
import io.punchline.ui.settings.SettingsStore;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects the window to its engine. Starting, stopping and dialling run on one background thread; events reach the
 * model in batches through an {@link EventPump}; throughput and RTT are read by a sampler thread four times a second
 * and handed to the FX thread at most once per pending sample. Nothing here blocks the FX thread.
 */
final class WindowController implements AutoCloseable {

    static final long SAMPLE_MILLIS = 250;
    static final long TEST_BYTES = 20_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(WindowController.class);

    private final DashboardModel model;
    private final Executor fx;
    private final Path identityFolder;
    private final Path configBase;
    private final SettingsStore store;
    private final InetSocketAddress listen;
    private final InetAddress relayBind;
    private final ObjectProperty<Settings> settings = new SimpleObjectProperty<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> daemon(r, "ui-engine"));
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ui-sampler"));
    private final ExecutorService transfersThread = Executors.newSingleThreadExecutor(r -> daemon(r, "ui-transfers"));
    private final ExecutorService testStreams = Executors.newSingleThreadExecutor(r -> daemon(r, "ui-test-stream"));
    private final AtomicBoolean samplePending = new AtomicBoolean();
    private volatile EngineHost host;
    private Runnable unsubscribe = () -> { };

    WindowController(DashboardModel model, Executor fx, Path identityFolder, Path configBase, SettingsStore store,
                     InetSocketAddress listen, InetAddress relayBind) {
        this.model = model;
        this.fx = fx;
        this.identityFolder = identityFolder;
        this.configBase = configBase;
        this.store = store;
        this.listen = listen;
        this.relayBind = relayBind;
        this.settings.set(store.load());
        sampler.scheduleAtFixedRate(this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    ObjectProperty<Settings> settingsProperty() {
        return settings;
    }

    Path identityFolder() {
        return identityFolder;
    }

    /** Starts the engine on the background thread with the current settings. */
    void start() {
        Settings current = settings.get();
        background.execute(() -> startNow(current));
    }

    private void startNow(Settings current) {
        fx.execute(() -> {
            model.reset();
            model.statusProperty().set(current.embeddedRelay() ? "Starting the embedded relay and the engine…"
                    : "Connecting to the relay…");
        });
        EngineHost starting = new EngineHost(identityFolder, configBase, current, listen, relayBind);
        try {
            Engine engine = starting.start();
            host = starting;
            ChosenRelay relay = starting.relay();
            EventPump pump = new EventPump(fx, batch -> {
                model.applyAll(batch);
                if (batch.stream().anyMatch(t -> t.event() instanceof EngineEvent.Paired
                        || t.event() instanceof EngineEvent.SessionOpened)) {
                    refreshRemembered();
                }
            });
            unsubscribe = engine.events().subscribe(pump);
            engine.onOffer(offer -> fx.execute(() -> model.transfers().offered(offer)));
            java.util.List<io.punchline.pairing.RememberedPeers.Peer> paired = engine.rememberedPeers();
            // the engine reported its bind while starting, before anyone could subscribe
            EngineEvent bound = new EngineEvent.RelayBound(engine.relay().toString(),
                    engine.contact().bindAddress().toString());
            String contact = engine.contact().toString();
            String identity = engine.peerId().fingerprint();
            fx.execute(() -> {
                model.identityProperty().set(identity);
                model.setRemembered(paired);
                model.relay().describe(relay.address().toString(), relay.embedded(), relay.origin());
                model.relay().ownContactProperty().set(contact);
                model.apply(bound, System.currentTimeMillis());
                model.statusProperty().set("Ready: " + relay.origin() + (paired.isEmpty()
                        ? "; pair with a peer (Ctrl+P) to send files" : "; drop files on a paired peer to send them"));
            });
        } catch (Exception e) {
            starting.close();
            LOG.warn("engine did not start", e);
            fx.execute(() -> {
                model.relay().describe(current.embeddedRelay() ? "" : current.relay(), current.embeddedRelay(),
                        current.embeddedRelay() ? "embedded relay" : "configured relay");
                model.lastErrorProperty().set(e.getMessage());
                model.statusProperty().set("The engine did not start: " + e.getMessage() + " (check the relay in Settings)");
            });
        }
    }

    /** Dials a contact on the background thread; failures go to the status bar. */
    void dial(String contact) {
        fx.execute(() -> model.statusProperty().set("Dialling " + PeerId.shortFingerprint(contact) + "…"));
        background.execute(() -> {
            EngineHost running = host;
            try {
                if (running == null) {
                    throw new IOException("the engine is not running");
                }
                running.dial(contact);
            } catch (IllegalArgumentException e) {
                fx.execute(() -> model.statusProperty().set("Not a contact: " + e.getMessage()));
            } catch (IOException | RuntimeException e) {
                fx.execute(() -> {
                    model.lastErrorProperty().set(e.getMessage());
                    model.statusProperty().set("Dial failed: " + e.getMessage());
                });
            }
        });
    }

    /** Sends {@link #TEST_BYTES} of test data to a peer on its own thread; the outcome goes to the status bar. */
    void sendTestData(String peer) {
        EngineHost running = host;
        if (running == null) {
            return;
        }
        fx.execute(() -> model.statusProperty().set("Sending " + TEST_BYTES / 1_000_000 + " MB of test data to "
                + PeerId.shortFingerprint(peer) + "…"));
        testStreams.execute(() -> {
            long start = System.nanoTime();
            try {
                running.sendTestData(peer, TEST_BYTES);
                long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
                fx.execute(() -> model.statusProperty().set("Test data verified by " + PeerId.shortFingerprint(peer) + ": "
                        + TEST_BYTES / 1_000_000 + " MB in " + millis + " ms (" + Format.rate(TEST_BYTES * 1000 / millis) + ")"));
            } catch (IOException | RuntimeException e) {
                fx.execute(() -> model.statusProperty().set("Test data to " + PeerId.shortFingerprint(peer) + " failed: " + e.getMessage()));
            }
        });
    }

    /** Shows a sentence in the status bar. */
    void status(String text) {
        fx.execute(() -> model.statusProperty().set(text));
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

    /** Creates a pairing code on the relay; blocking (the pairing dialog calls it off the FX thread). */
    PairingInvite invite() throws PairingException, IOException {
        return running().invite();
    }

    /** Enters the other side's code; completes with the paired peer, or a {@link PairingException}. */
    CompletableFuture<RememberedPeers.Peer> join(String code) {
        try {
            return running().join(code);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Renames a paired peer on the background thread; fails with a message for people (e.g. the name is taken). */
    CompletableFuture<Void> renamePeer(String name, String newName) {
        return onBackground(() -> {
            running().renamePeer(name, newName);
            return null;
        });
    }

    CompletableFuture<Void> forgetPeer(String name) {
        return onBackground(() -> {
            running().forgetPeer(name);
            return null;
        });
    }

    /** Connects to a paired peer (open session, or found through the relay) and offers the files; off the FX thread. */
    CompletableFuture<Void> sendFiles(String peerName, List<Path> paths) {
        fx.execute(() -> model.statusProperty().set("Connecting to " + peerName + "…"));
        return CompletableFuture.supplyAsync(() -> {
            try {
                Engine engine = running();
                RememberedPeers.Peer peer = engine.rememberedPeer(peerName)
                        .orElseThrow(() -> new IOException("no paired peer named " + peerName));
                PeerSession session = host.connect(peer);
                OutgoingTransfer transfer = engine.sendFiles(session, paths);
                String folder = paths.isEmpty() ? null : (Files.isDirectory(paths.get(0)) ? paths.get(0)
                        : paths.get(0).toAbsolutePath().getParent()).toString();
                String id = transfer.id().hex();
                String fingerprint = peer.fingerprint();
                fx.execute(() -> {
                    model.transfers().rowOrNew(id, fingerprint).folderProperty().set(folder);
                    model.statusProperty().set("Offered " + paths.size() + " item(s) to " + peerName);
                });
                return null;
            } catch (IOException | RuntimeException e) {
                fx.execute(() -> model.statusProperty().set("Sending to " + peerName + " failed: " + e.getMessage()));
                throw new java.util.concurrent.CompletionException(e);
            }
        }, transfersThread);
    }

    /** Accepts an offer (all, or the manifest paths in {@code selection}) into {@code folder}. */
    void accept(IncomingOffer offer, Path folder, Set<String> selection) {
        String id = offer.id().hex();
        model.transfers().answered(offer);
        model.transfers().rowOrNew(id, offer.peer().fingerprint()).folderProperty().set(folder.toString());
        transfersThread.execute(() -> {
            try {
                Files.createDirectories(folder);
                offer.accept(folder, selection);
            } catch (IOException | RuntimeException e) {
                offer.decline();
                fx.execute(() -> model.statusProperty().set("Could not accept the files: " + e.getMessage()));
            }
        });
    }

    void decline(IncomingOffer offer) {
        model.transfers().answered(offer);
        transfersThread.execute(() -> {
            try {
                offer.decline();
            } catch (RuntimeException e) {
                LOG.debug("decline: {}", e.getMessage());
            }
        });
    }

    /** Cancels a running transfer by its ID (hex). */
    void cancelTransfer(String id) {
        Engine engine = engine();
        if (engine == null) {
            return;
        }
        transfersThread.execute(() -> engine.activeTransfers().stream().filter(t -> t.id().hex().equals(id))
                .findFirst().ifPresent(io.punchline.transfer.Transfer::cancel));
    }

    private <T> CompletableFuture<T> onBackground(Callable<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        transfersThread.execute(() -> {
            try {
                T value = work.call();
                fx.execute(() -> {
                    refreshRemembered();
                    done.complete(value);
                });
            } catch (Exception e) {
                fx.execute(() -> done.completeExceptionally(e));
            }
        });
        return done;
    }

    /**
     * Saves new settings (temp file, atomic move) and restarts the engine when the relay changed. Returns an error
     * message, or null.
     */
    String apply(Settings next) {
        if (!next.embeddedRelay()) {
            try {
                RelayAddress.parse(next.relay());
            } catch (IllegalArgumentException e) {
                return "The relay is not HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID: " + e.getMessage();
            }
        }
        Settings before = settings.get();
        try {
            store.save(next);
        } catch (IOException e) {
            return "Settings could not be saved: " + e.getMessage();
        }
        settings.set(next);
        boolean relayChanged = !java.util.Objects.equals(before.relay(), next.relay())
                || before.embeddedRelayPort() != next.embeddedRelayPort();
        if (relayChanged) {
            background.execute(() -> {
                stopNow();
                startNow(next);
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
            fx.execute(() -> {
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

    @Override
    public void close() {
        sampler.shutdownNow();
        testStreams.shutdownNow();
        transfersThread.shutdownNow();
        background.execute(this::stopNow);
        background.shutdown();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }
}
