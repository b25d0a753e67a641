package io.punchline.transfer;

import io.punchline.crypto.PeerId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the receiver keeps what it needs to resume: one {@link PartState} file per partial file, in its own data folder
 * (never the target folder, so nothing a peer sends can become resume state), at
 * {@code ROOT/<sending peer>/<key>/<random>.state}, where {@code key} is SHA-256 of the target path (folder and manifest path),
 * the file's SHA-256 and its size. A state in use by a running transfer is claimed and never handed to another, so two
 * transfers of one name never share a part. Before a part is resumed its verified prefix is read and hashed again.
 */
final class ResumeStore {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path configured;
    private volatile Path root;
    private final Set<Path> claimed = ConcurrentHashMap.newKeySet();

    /** {@code root} null: a private temporary folder, so parts resume only within this process. */
    ResumeStore(Path root) {
        this.configured = root;
    }

    /** What one receiving file uses: its state file, its part (null until created), where to resume and the hash so far. */
    final class Slot implements AutoCloseable {
        final Path state;
        final Path part;
        final long offset;
        final MessageDigest digest;

        private Slot(Path state, Path part, long offset, MessageDigest digest) {
            this.state = state;
            this.part = part;
            this.offset = offset;
            this.digest = digest;
        }

        /** Gives the state back, for a later transfer to resume. */
        @Override
        public void close() {
            claimed.remove(state);
        }
    }

    /**
     * A slot for {@code entry} arriving at {@code target} from {@code peer}: the first saved part of it that no running
     * transfer holds and whose verified prefix still hashes to the saved state; else a fresh one (offset 0).
     */
    Slot claim(PeerId peer, Path target, ManifestEntry entry) throws IOException {
        Path folder = folder(peer, target, entry);
        for (Path state : states(folder)) {
            if (!claimed.add(state)) {
                continue;
            }
            Slot slot = null;
            try {
                slot = verified(state, target, entry);
            } finally {
                if (slot == null) {
                    claimed.remove(state);
                }
            }
            if (slot != null) {
                return slot;
            }
        }
        while (true) {
            byte[] name = new byte[12];
            RANDOM.nextBytes(name);
            Path state = folder.resolve(HexFormat.of().formatHex(name) + ".state");
            if (claimed.add(state)) {
                return new Slot(state, null, 0, Sha256.newDigest());
            }
        }
    }

    /** The largest saved offset for {@code entry}, from the state files alone (nothing is read again): for display. */
    long peek(PeerId peer, Path target, ManifestEntry entry) throws IOException {
        long best = 0;
        for (Path state : states(folder(peer, target, entry))) {
            PartState saved = read(state);
            if (saved != null && matches(saved, entry) && saved.verifiedOffset() > best) {
                Path part = partOf(target, saved);
                if (part != null && Files.isRegularFile(part, NOFOLLOW) && Files.size(part) >= saved.verifiedOffset()) {
                    best = saved.verifiedOffset();
                }
            }
        }
        return best;
    }

    /** The slot of a saved state whose prefix checks out; null (and the stale state removed) otherwise. */
    private Slot verified(Path state, Path target, ManifestEntry entry) throws IOException {
        PartState saved = read(state);
        Path part = saved == null ? null : partOf(target, saved);
        if (saved == null || !matches(saved, entry) || saved.verifiedOffset() == 0 || part == null
                || !Files.isRegularFile(part, NOFOLLOW) || Files.size(part) < saved.verifiedOffset()) {
            Files.deleteIfExists(state);
            return null;
        }
        MessageDigest digest = Sha256.newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ, NOFOLLOW)) {
            for (long left = saved.verifiedOffset(); left > 0; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int n = channel.read(buffer);
                if (n < 0) {
                    break;
                }
                digest.update(buffer.array(), 0, n);
                left -= n;
            }
        }
        if (!MessageDigest.isEqual(Sha256.soFar(digest), saved.prefixSha256())) {
            Files.deleteIfExists(state); // the part changed since it was verified: start again under a new name
            return null;
        }
        return new Slot(state, part, saved.verifiedOffset(), digest);
    }

    private static boolean matches(PartState saved, ManifestEntry entry) {
        return entry.hashEquals(saved.expectedSha256()) && saved.size() == entry.size();
    }

    /** The part a state names, beside {@code target}; null for a name that is not a plain file name. */
    private static Path partOf(Path target, PartState saved) {
        String name = saved.partName();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            return null;
        }
        return target.resolveSibling(name);
    }

    /** Saves {@code value} as the state of {@code slot}: a temporary file, fsynced, moved into place. */
    void save(Slot slot, PartState value) throws IOException {
        Path folder = slot.state.getParent();
        Files.createDirectories(folder);
        Path temporary = folder.resolve(slot.state.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, NOFOLLOW)) {
            ByteBuffer buffer = ByteBuffer.wrap(value.encode());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, slot.state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Forgets the state of a part that was placed or thrown away. */
    void forget(Slot slot) throws IOException {
        Files.deleteIfExists(slot.state);
    }

    static PartState read(Path state) throws IOException {
        if (!Files.isRegularFile(state, NOFOLLOW)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(state, StandardOpenOption.READ, NOFOLLOW)) {
            if (channel.size() > 2048) {
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

    private static List<Path> states(Path folder) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(folder, NOFOLLOW)) {
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(folder, "*.state")) {
                listing.forEach(out::add);
            }
        }
        out.sort(null);
        return out;
    }

    private Path folder(PeerId peer, Path target, ManifestEntry entry) throws IOException {
        MessageDigest key = Sha256.newDigest();
        for (byte[] part : List.of(target.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8),
                entry.path().getBytes(StandardCharsets.UTF_8), entry.sha256(), Long.toString(entry.size()).getBytes(StandardCharsets.UTF_8))) {
            key.update(part, 0, part.length);
            key.update((byte) 0);
        }
        return root().resolve(HexFormat.of().formatHex(peer.bytes())).resolve(HexFormat.of().formatHex(key.digest()));
    }

    private Path root() throws IOException {
        Path r = root;
        if (r == null) {
            synchronized (this) {
                if (root == null) {
                    // a temporary folder is created owner-only (0700) where the file system has POSIX permissions
                    root = configured != null ? Files.createDirectories(configured) : Files.createTempDirectory("punchline-partial");
                }
                r = root;
            }
        }
        return r;
    }
}
