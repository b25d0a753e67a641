package io.punchline.transfer;

import org.bouncycastle.crypto.digests.SHA256Digest;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One file being received: {@code NAME.part} beside its sidecar {@code .NAME.part.state} ({@link PartState}), hashed
 * while written, checkpointed (part fsynced, then the sidecar replaced) every {@link #CHECKPOINT_BYTES}, and on
 * {@link #finish} verified, fsynced and moved atomically to a free final name. The sidecar is written before the part
 * exists, so a part without one was not made by Punchline and is never reused.
 */
final class PartFile implements Closeable {

    static final long CHECKPOINT_BYTES = 4L * 1024 * 1024;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path target;
    private final Path part;
    private final Path state;
    private final ManifestEntry entry;
    private final FileChannel channel;
    private final SHA256Digest digest;
    private long written;
    private long checkpointed;

    private PartFile(Path target, ManifestEntry entry, FileChannel channel, SHA256Digest digest, long offset) {
        this.target = target;
        this.part = TargetFolder.part(target);
        this.state = TargetFolder.state(target);
        this.entry = entry;
        this.channel = channel;
        this.digest = digest;
        this.written = offset;
        this.checkpointed = offset;
    }

    /**
     * The verified offset a part of {@code entry} at {@code target} can resume from: 0 when there is none (or a stale
     * one for other content); an error when {@code NAME.part} exists without a Punchline sidecar.
     */
    static long resumeOffset(Path target, ManifestEntry entry) throws IOException {
        PartState saved = readState(TargetFolder.state(target));
        Path part = TargetFolder.part(target);
        boolean partExists = Files.exists(part, NOFOLLOW);
        if (partExists && (saved == null || !Files.isRegularFile(part, NOFOLLOW))) {
            throw new FileSystemException(part.toString(), null, "\"" + part.getFileName()
                    + "\" exists and is not a Punchline partial file; move it away to receive \"" + entry.path() + "\"");
        }
        if (saved == null || !partExists || !entry.hashEquals(saved.expectedSha256()) || saved.size() != entry.size()
                || Files.size(part) < saved.verifiedOffset()) {
            return 0;
        }
        return saved.verifiedOffset();
    }

    /** Opens (or resumes at {@code offset}, which {@link #resumeOffset} returned) the part of {@code entry}. */
    static PartFile open(Path target, ManifestEntry entry, long offset) throws IOException {
        SHA256Digest digest = new SHA256Digest();
        if (offset > 0) {
            PartState saved = readState(TargetFolder.state(target));
            if (saved == null || saved.verifiedOffset() != offset) {
                throw new FileSystemException(target.toString(), null, "the partial file of \"" + entry.path() + "\" changed");
            }
            digest = new SHA256Digest(saved.digestState());
        }
        PartFile file;
        if (offset == 0) {
            writeState(TargetFolder.state(target), new PartState(entry.sha256(), entry.size(), 0, digest.getEncodedState()));
        }
        FileChannel channel = FileChannel.open(TargetFolder.part(target), StandardOpenOption.CREATE, StandardOpenOption.WRITE, NOFOLLOW);
        try {
            channel.truncate(offset);
            channel.position(offset);
            file = new PartFile(target, entry, channel, digest, offset);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return file;
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
        if (written - checkpointed >= CHECKPOINT_BYTES) {
            checkpoint();
        }
    }

    /** Makes what was written so far durable and resumable. */
    void checkpoint() throws IOException {
        channel.force(false);
        writeState(state, new PartState(entry.sha256(), entry.size(), written, digest.getEncodedState()));
        checkpointed = written;
    }

    /**
     * Verifies the complete part against the manifest and moves it to its final name (a numbered one on a clash); an
     * existing file with the same content counts as done. Returns the final path.
     */
    Path finish() throws IOException {
        if (written != entry.size()) {
            throw new FileSystemException(target.toString(), null, "\"" + entry.path() + "\" ended at " + written
                    + " of " + entry.size() + " bytes");
        }
        byte[] hash = new byte[32];
        digest.doFinal(hash, 0);
        if (!entry.hashEquals(hash)) {
            channel.close();
            Files.deleteIfExists(part);
            Files.deleteIfExists(state);
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
            finalPath = TargetFolder.freeName(target);
            Files.move(part, finalPath, StandardCopyOption.ATOMIC_MOVE);
            TargetFolder.applyMode(finalPath, entry.mode());
        }
        Files.deleteIfExists(state);
        return finalPath;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static PartState readState(Path state) throws IOException {
        if (!Files.isRegularFile(state, NOFOLLOW)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(state, StandardOpenOption.READ, NOFOLLOW)) {
            if (channel.size() > 1024) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read it all
            }
            return PartState.decode(buffer.flip());
        } catch (TransferProtocolException e) {
            return null;
        }
    }

    static void writeState(Path state, PartState value) throws IOException {
        Path temporary = state.resolveSibling(state.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, NOFOLLOW)) {
            ByteBuffer buffer = ByteBuffer.wrap(value.encode());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static boolean sameHash(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
