package io.punchline.transfer;

import org.bouncycastle.crypto.digests.SHA256Digest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The folder a receiver writes into, and the rules that keep every write inside it: a manifest path is resolved one
 * segment at a time and refused when an existing component is a symbolic link (checked without following it); folders
 * are created one level at a time; a clash gets a numbered name, never an overwrite ({@link PartFile}).
 */
final class TargetFolder {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int MAX_NUMBERED = 10_000;

    private final Path root;

    TargetFolder(Path folder) throws IOException {
        Files.createDirectories(folder);
        this.root = folder.toRealPath();
    }

    Path root() {
        return root;
    }

    /** The path of a checked manifest path; refused when an existing component is a symbolic link. */
    Path resolve(String relative) throws IOException {
        Path path = root;
        for (String segment : relative.split("/")) {
            path = path.resolve(segment);
            if (Files.isSymbolicLink(path)) {
                throw new FileSystemException(path.toString(), null, "refused \"" + relative + "\": \""
                        + root.relativize(path).toString().replace('\\', '/') + "\" in the target folder is a symbolic link");
            }
        }
        if (!path.normalize().startsWith(root)) {
            throw new FileSystemException(path.toString(), null, "refused \"" + relative + "\": outside the target folder");
        }
        return path;
    }

    /** Creates the folder {@code relative} and its missing parents; returns whether the folder itself was created. */
    boolean makeFolders(String relative) throws IOException {
        Path path = root;
        boolean created = false;
        for (String segment : relative.split("/")) {
            path = path.resolve(segment);
            if (Files.isSymbolicLink(path)) {
                throw new FileSystemException(path.toString(), null, "refused \"" + relative + "\": \""
                        + root.relativize(path).toString().replace('\\', '/') + "\" in the target folder is a symbolic link");
            }
            if (Files.exists(path, NOFOLLOW)) {
                if (!Files.isDirectory(path, NOFOLLOW)) {
                    throw new FileSystemException(path.toString(), null, "\"" + root.relativize(path) + "\" exists and is not a folder");
                }
                created = false;
            } else {
                Files.createDirectory(path);
                created = true;
            }
        }
        return created;
    }

    /** {@code report.pdf}, then {@code report (1).pdf}, {@code report (2).pdf}... */
    static String numbered(String name, int n) {
        if (n == 0) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + " (" + n + ")" + name.substring(dot) : name + " (" + n + ")";
    }

    /** An existing file among {@code target} and its numbered names whose content is the entry's; null if none. */
    static Path existingMatch(Path target, ManifestEntry entry) throws IOException {
        for (int n = 0; n < MAX_NUMBERED; n++) {
            Path candidate = target.resolveSibling(numbered(target.getFileName().toString(), n));
            if (!Files.exists(candidate, NOFOLLOW)) {
                return null;
            }
            if (Files.isRegularFile(candidate, NOFOLLOW) && Files.size(candidate) == entry.size()
                    && entry.hashEquals(sha256(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    static byte[] sha256(Path file) throws IOException {
        SHA256Digest digest = new SHA256Digest();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW)) {
            while (channel.read(buffer.clear()) >= 0) {
                digest.update(buffer.array(), 0, buffer.position());
            }
        }
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** Applies POSIX permission bits where the file system has them. */
    static void applyMode(Path path, int mode) {
        try {
            if (!Files.getFileStore(path).supportsFileAttributeView("posix")) {
                return;
            }
            Files.setPosixFilePermissions(path, permissions(mode));
        } catch (IOException | UnsupportedOperationException ignored) {
            // the content is in place; a mode the file system refuses is not worth failing the transfer for
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                out.add(order[bit]);
            }
        }
        return out;
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
