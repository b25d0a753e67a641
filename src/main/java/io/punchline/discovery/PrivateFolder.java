package io.punchline.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * A folder only this user can write to or read (POSIX mode 0700, owned by this user, not a symbolic link), and the
 * files in it: what makes a local announcement trustworthy. Where the file system has no POSIX permissions (Windows),
 * the per-user configuration folder is private by the platform's own rules and nothing is checked here.
 */
final class PrivateFolder {

    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFolder() {
    }

    /** Creates {@code folder} with mode 0700 when it is missing; an existing one is left as it is (and checked). */
    static void create(Path folder) throws IOException {
        if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.createDirectories(folder.getParent());
        if (Files.getFileStore(folder.getParent()).supportsFileAttributeView("posix")) {
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------")); // past the umask
        } else {
            Files.createDirectory(folder);
        }
    }

    /** Why {@code folder} is not private to this user, or null when it is. */
    static String problem(Path folder) {
        return check(folder, true);
    }

    /** Why {@code file} (in a private folder) is not this user's alone, or null when it is. */
    static String fileProblem(Path file) {
        return check(file, false);
    }

    private static String check(Path path, boolean folder) {
        try {
            if (!Files.getFileStore(path).supportsFileAttributeView("posix")) {
                return null;
            }
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                return path + " is a symbolic link";
            }
            if (folder != attributes.isDirectory()) {
                return path + (folder ? " is not a folder" : " is not a plain file");
            }
            UserPrincipal me = path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            if (!attributes.owner().equals(me)) {
                return path + " belongs to " + attributes.owner().getName() + ", not to " + me.getName();
            }
            Set<PosixFilePermission> open = EnumSet.copyOf(GROUP_OR_OTHER);
            open.retainAll(attributes.permissions());
            if (!open.isEmpty()) {
                return path + " is open to other users (mode " + PosixFilePermissions.toString(attributes.permissions())
                        + "; it must be " + (folder ? "rwx------, chmod 700" : "rw-------, chmod 600") + ")";
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot check " + path + ": " + e.getMessage();
        }
    }
}
