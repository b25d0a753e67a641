package io.punchline.transfer;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One file being received into a {@code .part} of its own, created exclusively under the first free of
 * {@code NAME.part}, {@code NAME (1).part}... (never an existing file, never shared with another transfer), hashed while
 * written, checkpointed (part fsynced, then its {@link PartState} saved in the {@link ResumeStore}, outside the target
 * folder) every {@link #CHECKPOINT_BYTES}, and on {@link #finish} verified, fsynced and placed under the first free of
 * {@code NAME}, {@code NAME (1)}... by an operation that fails when the name exists (a hard link, else an exclusive
 * create and copy), so a file created meanwhile under that name is never replaced.
 */
final class PartFile implements Closeable {

    static final long CHECKPOINT_BYTES = 4L * 1024 * 1024;
    /**
     * Where periodic checkpoints run, so that the file stream's reader never waits for the disk: an fsync of 4 MiB
     * and the state's write, fsync and rename took 5-7 ms on the lab machine (25 of them in a 100 MB file) and can
     * take tens of milliseconds on a laptop's disk.
     */
    private static final ExecutorService CHECKPOINTS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "part-checkpoint");
        thread.setDaemon(true);
        return thread;
    });
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int MAX_NUMBERED = 10_000;

    /** Called with each final name just before the part is placed there; tests use it to create that name first. */
    interface BeforePlacing {
        void at(Path candidate) throws IOException;
    }

    private final ResumeStore store;
    private final ResumeStore.Slot slot;
    private final Path target;
    private final Path part;
    private final String partName;
    private final ManifestEntry entry;
    private final FileChannel channel;
    private final MessageDigest digest;
    private long written;
    private long checkpointed;
    /** The periodic checkpoint running on {@link #CHECKPOINTS}, if any; at most one at a time. */
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    private PartFile(ResumeStore store, ResumeStore.Slot slot, Path target, Path part, ManifestEntry entry, FileChannel channel) {
        this.store = store;
        this.slot = slot;
        this.target = target;
        this.part = part;
        this.partName = part.getFileName().toString();
        this.entry = entry;
        this.channel = channel;
        this.digest = slot.digest;
        this.written = slot.offset;
        this.checkpointed = slot.offset;
    }

    /**
     * Opens the part of {@code slot} ({@link ResumeStore#claim}): its verified part at its offset, or a new part. The
     * part file closes with this; the slot stays claimed until the caller closes it.
     */
    static PartFile open(ResumeStore store, ResumeStore.Slot slot, Path target, ManifestEntry entry) throws IOException {
        if (slot.part != null && slot.offset > 0) {
            FileChannel channel = FileChannel.open(slot.part, StandardOpenOption.WRITE, NOFOLLOW);
            try {
                channel.truncate(slot.offset);
                channel.position(slot.offset);
                return new PartFile(store, slot, target, slot.part, entry, channel);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        for (int n = 0; n < MAX_NUMBERED; n++) {
            Path part = target.resolveSibling(partName(target, n));
            FileChannel channel;
            try {
                channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW);
            } catch (FileAlreadyExistsException taken) {
                continue;
            }
            try {
                PartFile file = new PartFile(store, slot, target, part, entry, channel);
                store.save(slot, file.state(0));
                return file;
            } catch (IOException e) {
                channel.close();
                Files.deleteIfExists(part);
                throw e;
            }
        }
        throw new FileSystemException(target.toString(), null, "no free name for the partial file of " + target.getFileName());
    }

    /** {@code NAME.part} numbered; a generic name when that would be longer than a file name may be. */
    static String partName(Path target, int n) {
        String name = TargetFolder.numbered(target.getFileName() + ".part", n);
        return name.getBytes(StandardCharsets.UTF_8).length <= SafeNames.MAX_SEGMENT_BYTES ? name
                : TargetFolder.numbered("punchline-partial.part", n);
    }

    Path path() {
        return part;
    }

    long written() {
        return written;
    }

    /** Appends bytes that arrived; more than the manifest's size is the sender's error. */
    void write(byte[] bytes, int offset, int length) throws IOException {
        if (written + length > entry.size()) {
            throw new IllegalStateException("more bytes than the manifest's " + entry.size());
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        digest.update(bytes, offset, length);
        written += length;
        if (written - checkpointed >= CHECKPOINT_BYTES && inFlight.isDone()) {
            awaitCheckpoint(); // done already: only reports a failure
            PartState state = state(written);
            checkpointed = written;
            inFlight = CompletableFuture.runAsync(() -> {
                try {
                    channel.force(false);
                    store.save(slot, state);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, CHECKPOINTS);
        }
    }

    /**
     * Makes what was written so far durable and resumable, now: after the periodic checkpoint in flight, if any. A
     * periodic checkpoint's state is saved only once the bytes it names are on disk; one that failed is reported here
     * or by the next write.
     */
    void checkpoint() throws IOException {
        awaitCheckpoint();
        channel.force(false);
        store.save(slot, state(written));
        checkpointed = written;
    }

    private void awaitCheckpoint() throws IOException {
        try {
            inFlight.join();
        } catch (CompletionException e) {
            inFlight = CompletableFuture.completedFuture(null);
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause()
                    : new IOException("checkpoint failed: " + e.getCause(), e.getCause());
        }
    }

    private PartState state(long verified) {
        return new PartState(entry.sha256(), entry.size(), verified, Sha256.soFar(digest), partName);
    }

    Path finish() throws IOException {
        return finish(candidate -> { });
    }

    /**
     * Verifies the complete part against the manifest and places it under a free final name; an existing file with the
     * same content counts as done. Returns the final path.
     */
    Path finish(BeforePlacing beforePlacing) throws IOException {
        awaitCheckpoint(); // its state must not be saved after the part is placed and its state forgotten
        if (written != entry.size()) {
            throw new FileSystemException(target.toString(), null, "\"" + entry.path() + "\" ended at " + written
                    + " of " + entry.size() + " bytes");
        }
        byte[] hash = digest.digest();
        if (!entry.hashEquals(hash)) {
            channel.close();
            Files.deleteIfExists(part);
            store.forget(slot);
            throw new FileSystemException(target.toString(), null, "\"" + entry.path() + "\" arrived with a different SHA-256 than offered");
        }
        channel.force(true);
        channel.close();
        Path existing = TargetFolder.existingMatch(target, entry);
        Path finalPath;
        if (existing != null) {
            Files.delete(part);
            finalPath = existing;
        } else {
            finalPath = place(beforePlacing);
            TargetFolder.applyMode(finalPath, entry.mode());
        }
        store.forget(slot);
        return finalPath;
    }

    /** Moves the part to the first free numbered name; taking a name fails when it exists, so nothing is replaced. */
    private Path place(BeforePlacing beforePlacing) throws IOException {
        for (int n = 0; n < MAX_NUMBERED; n++) {
            Path candidate = target.resolveSibling(TargetFolder.numbered(target.getFileName().toString(), n));
            beforePlacing.at(candidate);
            try {
                try {
                    Files.createLink(candidate, part);
                } catch (FileAlreadyExistsException taken) {
                    throw taken;
                } catch (UnsupportedOperationException | FileSystemException noLinks) {
                    copyToNew(candidate);
                }
                Files.delete(part);
                return candidate;
            } catch (FileAlreadyExistsException taken) {
                // someone has this name (perhaps since a moment ago): the next one
            }
        }
        throw new FileSystemException(target.toString(), null, "no free name for " + target.getFileName());
    }

    /** For file systems without hard links: a copy into a file created exclusively. */
    private void copyToNew(Path candidate) throws IOException {
        try (FileChannel out = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW)) {
            try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ, NOFOLLOW)) {
                for (long at = 0, size = in.size(); at < size; ) {
                    at += out.transferFrom(in, at, size - at);
                }
                out.force(true);
            } catch (IOException e) {
                Files.deleteIfExists(candidate); // ours: created just above
                throw e;
            }
        }
    }

    /** Closes the part file; the slot stays claimed until its owner closes it. */
    @Override
    public void close() throws IOException {
        try {
            inFlight.join();
        } catch (CompletionException e) {
            // a failed periodic checkpoint: the one before it stays valid
        }
        channel.close();
    }
}
