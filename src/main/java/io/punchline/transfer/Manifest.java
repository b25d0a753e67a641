package io.punchline.transfer;

import java.util.List;

/** What a sender offers: entries in order (a folder before its contents); an entry's index is its position. */
public record Manifest(List<ManifestEntry> entries) {

    public Manifest {
        entries = List.copyOf(entries);
    }

    public int fileCount() {
        return (int) entries.stream().filter(ManifestEntry::isFile).count();
    }

    public long totalBytes() {
        return entries.stream().mapToLong(ManifestEntry::size).sum();
    }
}
