package io.punchline.transfer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Files chosen for sending, hashed ahead of the session that will carry them ({@link Transfers#prepare}): {@code punchline
 * send} starts hashing as soon as its engine is up, so the offer leaves the moment the receiver is paired instead of
 * after a hash of every byte. When the offer is built, a file whose size or modification time changed since it was
 * hashed sends the whole set to be hashed again, so an offer never names content the files no longer have.
 */
public final class PreparedFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PreparedFiles.class);

    private final TransferId id;
    private final List<Path> roots;
    private final CompletableFuture<ManifestBuilder.Built> hashed;
    private final ManifestBuilder.HashProgress progress;
    private final AtomicBoolean idUsed = new AtomicBoolean();

    PreparedFiles(TransferId id, List<Path> roots, CompletableFuture<ManifestBuilder.Built> hashed,
                  ManifestBuilder.HashProgress progress) {
        this.id = id;
        this.roots = List.copyOf(roots);
        this.hashed = hashed;
        this.progress = progress;
    }

    /** The files and folders as chosen. */
    public List<Path> roots() {
        return roots;
    }

    /** Whether hashing is over (successfully or not). */
    public boolean isHashed() {
        return hashed.isDone();
    }

    /**
     * The transfer id of the next offer: the one the hashing progress was reported under for the first offer, a fresh
     * one for each later offer (a resend after a lost connection is a new transfer).
     */
    TransferId nextId() {
        return idUsed.compareAndSet(false, true) ? id : TransferId.random();
    }

    /** The manifest, waiting for the hashing; hashed again when a file changed since. */
    ManifestBuilder.Built built() throws IOException {
        ManifestBuilder.Built built;
        try {
            built = hashed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing the files");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("could not hash the files: " + cause, cause);
        }
        if (built.unchanged()) {
            return built;
        }
        LOG.info("a file changed since it was hashed: hashing {} again", roots);
        return ManifestBuilder.build(roots, progress);
    }
}
