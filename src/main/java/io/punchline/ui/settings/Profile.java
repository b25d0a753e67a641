package io.punchline.ui.settings;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The folder one running window keeps its identity and settings in. The first window takes the configuration folder
 * itself (the one {@code punchline id} uses); a second window of the same user on the same machine finds it locked and
 * takes {@code instances/2} (then 3, ...), with its own identity, so that two copies can talk to each other.
 */
public final class Profile implements AutoCloseable {

    private final Path base;
    private final Path folder;
    private final int instance;
    private final FileChannel channel;
    private final FileLock lock;

    private Profile(Path base, Path folder, int instance, FileChannel channel, FileLock lock) {
        this.base = base;
        this.folder = folder;
        this.instance = instance;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks the first free profile under {@code base}. */
    public static Profile open(Path base) throws IOException {
        for (int instance = 1; instance <= 9; instance++) {
            Path folder = instance == 1 ? base : base.resolve("instances").resolve(Integer.toString(instance));
            Files.createDirectories(folder);
            FileChannel channel = FileChannel.open(folder.resolve("window.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock != null) {
                return new Profile(base, folder, instance, channel, lock);
            }
            channel.close();
        }
        throw new IOException("nine Punchline windows already run with the profiles in " + base);
    }

    /** The configuration folder all profiles live under (also the embedded relay's identity). */
    public Path base() {
        return base;
    }

    /** This window's identity and settings. */
    public Path folder() {
        return folder;
    }

    /** 1 for the first window, 2 for a second one of the same user, ... */
    public int instance() {
        return instance;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
