package io.punchline.transfer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds a sender's manifest from the files and folders it chose: each root keeps its own name, folders are walked in
 * name order without following links, symbolic links and special files are left out (logged), every file is hashed
 * ({@link Sha256}). Each file's size and modification time are kept as they were before it was hashed, so a manifest built
 * ahead of its transfer ({@link PreparedFiles}) can tell that a file changed since.
 */
final class ManifestBuilder {

    /** Hashing progress: bytes hashed, of total, and the file being hashed. */
    interface HashProgress {
        void hashed(long bytes, long total, String path);
    }

    /** The manifest and, per entry index, the local file (null for a folder) and its stamp when it was hashed. */
    record Built(Manifest manifest, List<Path> sources, List<Stamp> stamps) {

        /** Whether every file still has the size and modification time it had when it was hashed. */
        boolean unchanged() {
            for (int i = 0; i < sources.size(); i++) {
                Path source = sources.get(i);
                if (source != null && !stamps.get(i).equals(Stamp.of(source))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A file's size and modification time; a file that cannot be read has none ({@code null} fields). */
    record Stamp(long size, FileTime modified) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
                return new Stamp(a.size(), a.lastModifiedTime());
            } catch (IOException e) {
                return new Stamp(-1, null);
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ManifestBuilder.class);
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final List<String> paths = new ArrayList<>();
    private final List<Path> sources = new ArrayList<>();
    private final List<Boolean> folders = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private final List<Integer> modes = new ArrayList<>();

    private ManifestBuilder() {
    }

    static Built build(List<Path> roots, HashProgress progress) throws IOException {
        ManifestBuilder builder = new ManifestBuilder();
        for (Path root : roots) {
            Path name = root.toAbsolutePath().normalize().getFileName();
            if (name == null) {
                throw new IOException("cannot send a file system root: " + root);
            }
            BasicFileAttributes attributes = Files.readAttributes(root, BasicFileAttributes.class, NOFOLLOW);
            if (!attributes.isRegularFile() && !attributes.isDirectory()) {
                throw new IOException(root + " is neither a file nor a folder");
            }
            builder.add(root, name.toString(), attributes);
        }
        long total = builder.sizes.stream().mapToLong(Long::longValue).sum();
        List<ManifestEntry> entries = new ArrayList<>();
        long hashed = 0;
        MessageDigest digest = Sha256.newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        List<Stamp> stamps = new ArrayList<>();
        for (int i = 0; i < builder.paths.size(); i++) {
            String path = builder.paths.get(i);
            if (builder.folders.get(i)) {
                entries.add(ManifestEntry.directory(path, builder.modes.get(i)));
                stamps.add(null);
                continue;
            }
            stamps.add(Stamp.of(builder.sources.get(i)));
            long size = 0;
            try (FileChannel channel = FileChannel.open(builder.sources.get(i), StandardOpenOption.READ, NOFOLLOW)) {
                for (int n; (n = channel.read(buffer.clear())) >= 0; ) {
                    digest.update(buffer.array(), 0, n);
                    size += n;
                    hashed += n;
                    progress.hashed(hashed, total, path);
                }
            }
            byte[] sha = digest.digest();
            entries.add(ManifestEntry.file(path, size, builder.modes.get(i), sha));
        }
        Manifest manifest = new Manifest(entries);
        try {
            SafeNames.check(manifest);
        } catch (TransferProtocolException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<Path> sources = new ArrayList<>(builder.sources);
        for (int i = 0; i < sources.size(); i++) {
            if (builder.folders.get(i)) {
                sources.set(i, null);
            }
        }
        return new Built(manifest, sources, stamps);
    }

    private void add(Path local, String path, BasicFileAttributes attributes) throws IOException {
        paths.add(path);
        sources.add(local);
        folders.add(attributes.isDirectory());
        sizes.add(attributes.isDirectory() ? 0 : attributes.size());
        modes.add(mode(local, attributes.isDirectory()));
        if (!attributes.isDirectory()) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(local)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, NOFOLLOW);
            if (a.isRegularFile() || a.isDirectory()) {
                add(child, path + "/" + child.getFileName(), a);
            } else {
                LOG.info("left out of the manifest (not a file or folder): {}", child);
            }
        }
    }

    private static int mode(Path local, boolean folder) {
        try {
            return TargetFolder.mode(Files.getPosixFilePermissions(local, NOFOLLOW));
        } catch (IOException | UnsupportedOperationException e) {
            return folder ? 0755 : 0644;
        }
    }
}
