package io.punchline.transfer;

import io.punchline.crypto.PeerId;
import io.punchline.session.PeerSession;
import io.punchline.session.SecureStream;
import io.punchline.transfer.ControlMessage.Abort;
import io.punchline.transfer.TransferResult.Outcome;
import io.punchline.wire.PeerText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What both sides of a transfer share: its control stream, its open file streams, its progress and its one ending.
 * The first ending wins ({@link #end}); it tells the peer why, then aborts the file streams that are still open.
 */
public abstract sealed class Transfer permits OutgoingTransfer, IncomingOffer {

    private static final Logger LOG = LoggerFactory.getLogger(Transfer.class);
    /** How long a broken file stream waits for the control stream to say why, before calling it a lost connection. */
    static final long REASON_WAIT_MILLIS = 5000;

    final Transfers owner;
    final TransferId id;
    final PeerSession session;
    final Manifest manifest;
    final SecureStream control;
    final Direction direction;
    final ProgressMeter meter = new ProgressMeter();
    final Set<SecureStream> fileStreams = ConcurrentHashMap.newKeySet();
    volatile Supplier<String> networkPath;
    volatile long totalBytes;
    volatile String currentPath = "";
    private final CompletableFuture<TransferResult> result = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();

    Transfer(Transfers owner, TransferId id, PeerSession session, Manifest manifest, SecureStream control,
             Direction direction, Supplier<String> networkPath) {
        this.owner = owner;
        this.id = id;
        this.session = session;
        this.manifest = manifest;
        this.control = control;
        this.direction = direction;
        this.networkPath = networkPath;
    }

    public TransferId id() {
        return id;
    }

    public PeerId peer() {
        return session.peer();
    }

    /** Completes with the reason when the session this transfer runs on has ended, closed by either side or failed. */
    public CompletableFuture<String> sessionClosed() {
        return session.closed();
    }

    public Manifest manifest() {
        return manifest;
    }

    public Direction direction() {
        return direction;
    }

    /** Completes (never exceptionally) when the transfer has ended, however it ended. */
    public CompletableFuture<TransferResult> result() {
        return result;
    }

    public boolean isEnded() {
        return ended.get();
    }

    /** Cancels the transfer; the peer ends with "cancelled by the peer". Partial files stay for a later resume. */
    public void cancel() {
        end(Outcome.CANCELLED_BY_SELF, "cancelled", new Abort(Abort.Reason.CANCELLED, "cancelled by the peer"));
    }

    /** Handles one message of the control stream. */
    abstract void handle(ControlMessage message) throws IOException, TransferProtocolException;

    /** Called once when the transfer ends, before its ending is published. */
    void onEnded() {
    }

    /** Files counted in the result. */
    abstract int filesDone();

    /** Reads the control stream until it ends; runs on an executor thread. */
    void readControl() {
        try {
            for (ControlMessage message; (message = ControlCodec.read(control.input())) != null; ) {
                handle(message);
            }
            if (!isEnded()) {
                fail("the peer closed the transfer without a result", false);
            }
        } catch (TransferProtocolException e) {
            fail("protocol error from the peer: " + e.getMessage(), true, Abort.Reason.PROTOCOL);
        } catch (IOException | RuntimeException e) {
            fail(TransferResult.CONNECTION_LOST + ": " + describe(e), false);
        }
    }

    /** The peer's reason is its own text: cleaned ({@link PeerText}) before it reaches a result, an event or a screen. */
    void onPeerAbort(Abort abort) {
        if (abort.reason() == Abort.Reason.CANCELLED) {
            end(Outcome.CANCELLED_BY_PEER, "cancelled by the peer");
        } else {
            end(Outcome.FAILED, "the peer ended the transfer: " + PeerText.clean(abort.message()));
        }
    }

    /** Ends as failed; tells the peer why when {@code tellPeer}. */
    void fail(String message, boolean tellPeer) {
        fail(message, tellPeer, Abort.Reason.FAILED);
    }

    private void fail(String message, boolean tellPeer, Abort.Reason reason) {
        end(Outcome.FAILED, message, tellPeer ? new Abort(reason, message) : null);
    }

    /**
     * A file stream broke. A peer that ends a transfer sends its ABORT on the control stream before it resets any file
     * stream ({@link #end}), so the reason is on its way: wait for the control stream's word, and fail with our own
     * message only when none comes (a peer that resets without saying why).
     */
    void fileStreamBroken(String message, boolean tellPeer) {
        // an interrupt (a stream layer may wake a blocked writer that way) must not cut the wait short
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REASON_WAIT_MILLIS);
        try {
            for (long left; !isEnded(); ) {
                left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail(message, tellPeer);
                    return;
                }
                try {
                    result.get(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | TimeoutException e) {
                    // the loop decides: ended, or out of time
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void tellPeer(Abort abort) {
        try {
            send(abort);
            closeControlOutput();
        } catch (IOException e) {
            LOG.debug("could not tell the peer that transfer {} ended: {}", id, e.getMessage());
        }
    }

    void send(ControlMessage message) throws IOException {
        synchronized (control) {
            ControlCodec.write(message, control.output());
        }
    }

    void closeControlOutput() {
        synchronized (control) {
            try {
                control.close();
            } catch (IOException e) {
                LOG.debug("closing the control stream of {}: {}", id, e.getMessage());
            }
        }
    }

    /** Ends the transfer once; returns whether this call ended it. */
    boolean end(Outcome outcome, String message) {
        return end(outcome, message, null);
    }

    /**
     * Ends once: the peer hears {@code toPeer} first (when not null), then the file streams still open are reset, then
     * the ending is published. The reason goes out before any reset and before our listeners run, so a peer that sees
     * a reset file stream always finds the reason on the control stream ({@link #fileStreamBroken}).
     */
    private boolean end(Outcome outcome, String message, Abort toPeer) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        TransferResult ending = new TransferResult(outcome, filesDone(), meter.bytes(), meter.millis(), message);
        if (toPeer != null) {
            tellPeer(toPeer);
        }
        if (outcome != Outcome.COMPLETED) {
            fileStreams.forEach(SecureStream::abort);
        }
        owner.ended(this);
        onEnded();
        owner.publish(switch (outcome) {
            case COMPLETED -> new TransferUpdate.Finished(id, direction, ending.files(), ending.bytes(), ending.millis());
            case DECLINED -> new TransferUpdate.Declined(id, direction);
            case CANCELLED_BY_SELF -> new TransferUpdate.Cancelled(id, direction, true);
            case CANCELLED_BY_PEER -> new TransferUpdate.Cancelled(id, direction, false);
            case FAILED -> new TransferUpdate.Failed(id, direction, message);
        });
        result.complete(ending);
        return true;
    }

    /** Counts bytes moved and reports progress when one is due. */
    void progress(long bytes, String path) {
        currentPath = path;
        if (meter.add(bytes)) {
            reportProgress();
        }
    }

    void reportProgress() {
        String network;
        try {
            network = networkPath.get();
        } catch (RuntimeException e) {
            network = "unknown";
        }
        owner.publish(new TransferUpdate.Progress(id, direction, meter.bytes(), totalBytes, meter.rate(), currentPath, network));
    }

    /** A message for people from a file-system error: "No space left on device", "permission denied: /x"... */
    static String describe(Throwable e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + (fs.getFile() != null && !fs.getReason().contains("\"") ? ": " + fs.getFile() : "");
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
