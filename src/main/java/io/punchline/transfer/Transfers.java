package io.punchline.transfer;

import io.punchline.session.PeerSession;
import io.punchline.session.SecureStream;
import io.punchline.transfer.ControlMessage.Abort;
import io.punchline.transfer.ControlMessage.Offer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * File transfers over peer sessions, one instance per engine (docs/ARCHITECTURE.md, "File transfer"). The engine hands
 * over every stream whose kind byte is {@link StreamKind#OFFER} or {@link StreamKind#FILE} ({@link #onStream}); this
 * class opens its own streams with the kind byte first. Blocking work runs on the given executor, never on the
 * caller's (kwik) thread, so the executor must be able to run blocking tasks: a cached thread pool.
 */
public final class Transfers implements AutoCloseable {

    /** File streams one transfer keeps open at once. */
    public static final int PARALLEL_FILES = 4;

    private static final Logger LOG = LoggerFactory.getLogger(Transfers.class);

    private final ExecutorService executor;
    private final TransferListener listener;
    private final Function<PeerSession, String> networkPath;
    private final ResumeStore resumeStore;
    private final Map<TransferId, Transfer> active = new ConcurrentHashMap<>();
    private final Set<PeerSession> watched = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private volatile Consumer<IncomingOffer> incoming;
    private volatile BiConsumer<PeerSession, String> refused = (session, why) -> { };

    public Transfers(ExecutorService executor, TransferListener listener) {
        this(executor, listener, session -> "unknown");
    }

    /**
     * {@code networkPath} says which path ("relay" or "direct") a session uses now, for incoming progress. Resume state
     * goes to a private temporary folder, so partial files resume only while this instance lives.
     */
    public Transfers(ExecutorService executor, TransferListener listener, Function<PeerSession, String> networkPath) {
        this(executor, listener, networkPath, null);
    }

    /**
     * As above, with the resume state of partial files kept in {@code resumeFolder} (in the data folder, never a target
     * folder; created when first needed): what an engine with a home folder uses, so a restarted receiver resumes.
     */
    public Transfers(ExecutorService executor, TransferListener listener, Function<PeerSession, String> networkPath,
                     Path resumeFolder) {
        this.executor = executor;
        this.listener = listener;
        this.networkPath = networkPath;
        this.resumeStore = new ResumeStore(resumeFolder);
    }

    /**
     * Starts hashing {@code roots} (each keeps its own name; progress is reported as {@link TransferUpdate.Hashing}) on
     * the executor, for a later {@link #send(PeerSession, PreparedFiles, Supplier)}. A file that cannot be read fails
     * the send, not this call.
     */
    public PreparedFiles prepare(List<Path> roots) {
        TransferId id = TransferId.random();
        long[] lastReport = {0};
        ManifestBuilder.HashProgress progress = (bytes, total, current) -> {
            long now = System.nanoTime();
            if (now - lastReport[0] >= ProgressMeter.INTERVAL_NANOS || bytes == total) {
                lastReport[0] = now;
                publish(new TransferUpdate.Hashing(id, bytes, total, current));
            }
        };
        CompletableFuture<ManifestBuilder.Built> hashed = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    hashed.complete(ManifestBuilder.build(roots, progress));
                } catch (IOException | RuntimeException e) {
                    hashed.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            hashed.completeExceptionally(new IOException("the engine is closed"));
        }
        return new PreparedFiles(id, roots, hashed, progress);
    }

    /** {@link #prepare} and {@link #send(PeerSession, PreparedFiles, Supplier)} in one: hashes, then offers. */
    public OutgoingTransfer send(PeerSession session, List<Path> roots, Supplier<String> path) throws IOException {
        return send(session, prepare(roots), path);
    }

    /**
     * Offers {@code files} (waiting for their hashing; hashing again what changed since), opens the offer stream and
     * sends the offer. The answer and the files follow asynchronously; {@code path} says which network path the session
     * uses now, for progress. Throws when a file cannot be read or its name would be refused by the receiver.
     */
    public OutgoingTransfer send(PeerSession session, PreparedFiles files, Supplier<String> path) throws IOException {
        ManifestBuilder.Built built = files.built();
        TransferId id = files.nextId();
        byte[] offer = ControlCodec.encode(new Offer(id, built.manifest()));
        SecureStream control = session.openStream();
        OutgoingTransfer transfer = new OutgoingTransfer(this, id, session, built.manifest(), built.sources(), control, path);
        active.put(id, transfer);
        watch(session);
        try {
            OutputStream out = control.output();
            synchronized (control) {
                out.write(StreamKind.OFFER);
                out.write(offer);
                out.flush();
            }
        } catch (IOException e) {
            control.abort();
            transfer.fail("could not send the offer: " + Transfer.describe(e), false);
            throw e;
        }
        Manifest manifest = built.manifest();
        publish(new TransferUpdate.Offered(id, session.peer(), Direction.SEND, manifest.entries().size(),
                manifest.fileCount(), manifest.totalBytes()));
        executor.execute(transfer::readControl);
        return transfer;
    }

    /** Who hears of offers from peers; with nobody listening, offers are declined. */
    public void onIncoming(Consumer<IncomingOffer> handler) {
        this.incoming = handler;
    }

    /**
     * A stream a peer opened, its kind byte ({@link StreamKind#OFFER} or {@link StreamKind#FILE}) already read.
     * Returns at once; the stream is read on the executor.
     */
    public void onStream(PeerSession session, int kind, SecureStream stream) {
        if (kind == StreamKind.OFFER) {
            executor.execute(() -> readOffer(session, stream));
        } else if (kind == StreamKind.FILE) {
            executor.execute(() -> readFile(session, stream));
        } else {
            stream.abort();
            throw new IllegalArgumentException("not a transfer stream kind: " + kind);
        }
    }

    /** Transfers that have not ended. */
    public List<Transfer> active() {
        return List.copyOf(active.values());
    }

    /** Cancels every transfer that has not ended. */
    /** Told about every offer refused as a whole (a bad manifest: unsafe names, bounds, malformed), with the reason. */
    public void onRefused(BiConsumer<PeerSession, String> handler) {
        this.refused = handler;
    }

    @Override
    public void close() {
        active.values().forEach(Transfer::cancel);
    }

    private void readOffer(PeerSession session, SecureStream stream) {
        IncomingOffer offer;
        try {
            ControlMessage first = ControlCodec.read(stream.input());
            if (!(first instanceof Offer o)) {
                throw new TransferProtocolException("an offer stream must start with OFFER");
            }
            offer = new IncomingOffer(this, o.id(), session, o.manifest(), stream, () -> networkPath.apply(session));
            if (active.putIfAbsent(o.id(), offer) != null) {
                throw new TransferProtocolException("transfer id " + o.id() + " is already in use");
            }
        } catch (TransferProtocolException e) {
            LOG.info("refused an offer from {}: {}", session.peer().shortFingerprint(), e.getMessage());
            refused.accept(session, e.getMessage());
            try {
                ControlCodec.write(new Abort(Abort.Reason.PROTOCOL, e.getMessage()), stream.output());
                stream.close();
            } catch (IOException ignored) {
                stream.abort();
            }
            return;
        } catch (IOException e) {
            LOG.debug("offer stream from {} broke: {}", session.peer().shortFingerprint(), e.getMessage());
            stream.abort();
            return;
        }
        watch(session);
        Manifest manifest = offer.manifest();
        publish(new TransferUpdate.Offered(offer.id(), session.peer(), Direction.RECEIVE, manifest.entries().size(),
                manifest.fileCount(), manifest.totalBytes()));
        Consumer<IncomingOffer> handler = incoming;
        if (handler == null) {
            offer.decline();
        } else {
            try {
                handler.accept(offer);
            } catch (RuntimeException e) {
                LOG.warn("offer handler failed", e);
                offer.fail("the receiver could not handle the offer", true);
            }
        }
        offer.readControl();
    }

    private void readFile(PeerSession session, SecureStream stream) {
        FileHeader header;
        try {
            header = FileHeader.read(stream.input());
        } catch (IOException | TransferProtocolException e) {
            LOG.debug("bad file stream from {}: {}", session.peer().shortFingerprint(), e.getMessage());
            stream.abort();
            return;
        }
        Transfer transfer = active.get(header.id());
        if (!(transfer instanceof IncomingOffer offer) || !offer.peer().equals(session.peer())) {
            LOG.debug("file stream for unknown transfer {} from {}", header.id(), session.peer().shortFingerprint());
            stream.abort();
            return;
        }
        offer.receive(header, stream);
    }

    /** Fails this session's transfers when it closes. */
    private void watch(PeerSession session) {
        if (watched.add(session)) {
            session.closed().thenAccept(reason -> {
                watched.remove(session);
                try {
                    executor.execute(() -> active.values().stream().filter(t -> t.session == session)
                            .forEach(t -> t.fail(TransferResult.CONNECTION_LOST + ": " + reason, false)));
                } catch (RejectedExecutionException e) {
                    active.values().stream().filter(t -> t.session == session)
                            .forEach(t -> t.fail(TransferResult.CONNECTION_LOST + ": " + reason, false));
                }
            });
        }
    }

    ResumeStore resumeStore() {
        return resumeStore;
    }

    ExecutorService executor() {
        return executor;
    }

    void ended(Transfer transfer) {
        active.remove(transfer.id(), transfer);
    }

    void publish(TransferUpdate update) {
        try {
            listener.update(update);
        } catch (RuntimeException e) {
            LOG.warn("transfer listener failed on {}", update, e);
        }
    }
}
