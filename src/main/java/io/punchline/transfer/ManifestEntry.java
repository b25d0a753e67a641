package io.punchline.transfer;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One entry of a manifest: a relative path with forward slashes, its kind, its size (0 for a folder), its POSIX
 * permission bits (0 to 0777) and, for a file, the SHA-256 of its content (null for a folder).
 */
public record ManifestEntry(String path, EntryKind kind, long size, int mode, byte[] sha256) {

    public ManifestEntry {
        if (kind == EntryKind.FILE ? sha256 == null || sha256.length != 32 : sha256 != null || size != 0) {
            throw new IllegalArgumentException("a file has a 32-byte SHA-256, a folder has none and size 0: " + path);
        }
        sha256 = sha256 == null ? null : sha256.clone();
    }

    public static ManifestEntry file(String path, long size, int mode, byte[] sha256) {
        return new ManifestEntry(path, EntryKind.FILE, size, mode, sha256);
    }

    public static ManifestEntry directory(String path, int mode) {
        return new ManifestEntry(path, EntryKind.DIRECTORY, 0, mode, null);
    }

    @Override
    public byte[] sha256() {
        return sha256 == null ? null : sha256.clone();
    }

    public boolean isFile() {
        return kind == EntryKind.FILE;
    }

    public boolean hashEquals(byte[] other) {
        return sha256 != null && Arrays.equals(sha256, other);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ManifestEntry e && path.equals(e.path) && kind == e.kind && size == e.size
                && mode == e.mode && Arrays.equals(sha256, e.sha256);
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " " + path + " (" + size + " bytes, mode " + Integer.toOctalString(mode)
                + (sha256 == null ? "" : ", sha256 " + HexFormat.of().formatHex(sha256)) + ")";
    }
}
