package io.punchline.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.punchline.crypto.PeerId;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetFolderTest {

    @TempDir
    Path temp;

    static ManifestEntry entry(String path, byte[] content) throws Exception {
        return ManifestEntry.file(path, content.length, 0640, java.security.MessageDigest.getInstance("SHA-256").digest(content));
    }

    static final PeerId PEER = new PeerId(new byte[32]);

    ResumeStore store() {
        return new ResumeStore(temp.resolve("data/partial"));
    }

    static Path receive(ResumeStore store, Path target, ManifestEntry entry, byte[] content) throws Exception {
        try (ResumeStore.Slot slot = store.claim(PEER, target, entry);
             PartFile part = PartFile.open(store, slot, target, entry)) {
            part.write(content, (int) slot.offset, content.length - (int) slot.offset);
            return part.finish();
        }
    }

    @Test
    void aNameClashGetsANumberedNameNeverAnOverwrite() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        Path report = folder.resolve("report.pdf");
        Files.writeString(report, "mine");
        Files.writeString(folder.resolve("report (1).pdf"), "mine too");
        byte[] theirs = "theirs".getBytes(StandardCharsets.UTF_8);
        assertThat(receive(store(), report, entry("report.pdf", theirs), theirs)).isEqualTo(folder.resolve("report (2).pdf"));
        assertThat(Files.readString(report)).isEqualTo("mine");
        assertThat(TargetFolder.numbered("archive.tar.gz", 3)).isEqualTo("archive.tar (3).gz");
        assertThat(TargetFolder.numbered("Makefile", 1)).isEqualTo("Makefile (1)");
        assertThat(TargetFolder.numbered(".bashrc", 1)).isEqualTo(".bashrc (1)");
    }

    @Test
    void anExistingFileWithTheSameContentCountsAsDone() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        byte[] content = "same".getBytes(StandardCharsets.UTF_8);
        Files.write(folder.resolve("a.txt"), content);
        assertThat(TargetFolder.existingMatch(folder.resolve("a.txt"), entry("a.txt", content))).isEqualTo(folder.resolve("a.txt"));
        assertThat(receive(store(), folder.resolve("a.txt"), entry("a.txt", content), content)).isEqualTo(folder.resolve("a.txt"));
        try (Stream<Path> files = Files.list(folder.root())) {
            assertThat(files).containsExactly(folder.resolve("a.txt"));
        }
    }

    @Test
    void aSymlinkInTheTargetFolderIsRefusedAndNothingIsWrittenOutside() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path in = Files.createDirectories(temp.resolve("in"));
        Files.createSymbolicLink(in.resolve("evil"), outside);
        Set<String> before = listing(temp);
        TargetFolder folder = new TargetFolder(in);
        assertThatThrownBy(() -> folder.resolve("evil/x")).isInstanceOf(FileSystemException.class)
                .hasMessageContaining("\"evil\" in the target folder is a symbolic link");
        assertThatThrownBy(() -> folder.makeFolders("evil/sub")).hasMessageContaining("symbolic link");
        Files.createSymbolicLink(in.resolve("link.txt"), outside.resolve("victim.txt"));
        assertThatThrownBy(() -> folder.resolve("link.txt")).hasMessageContaining("symbolic link");
        assertThat(listing(outside)).isEmpty();
        before.add("in/link.txt");
        assertThat(listing(temp)).isEqualTo(before);
    }

    @Test
    void aPartResumesFromItsCheckpointAfterItsPrefixIsHashedAgain() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        byte[] content = new byte[(int) PartFile.CHECKPOINT_BYTES + 1000];
        new java.util.Random(1).nextBytes(content);
        ManifestEntry entry = entry("big", content);
        Path target = folder.resolve("big");
        ResumeStore store = store();
        try (ResumeStore.Slot slot = store.claim(PEER, target, entry); PartFile part = PartFile.open(store, slot, target, entry)) {
            assertThat(part.path()).isEqualTo(folder.resolve("big.part"));
            for (int at = 0; at < content.length - 500; at += Math.min(65536, content.length - 500 - at)) {
                part.write(content, at, Math.min(65536, content.length - 500 - at)); // one checkpoint on the way
            }
        } // closed without a last checkpoint, as a killed process would leave it
        ResumeStore restarted = store();
        assertThat(restarted.peek(PEER, target, entry)).isEqualTo(PartFile.CHECKPOINT_BYTES);
        assertThat(restarted.peek(new PeerId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}), target, entry)).as("another peer's offer").isZero();
        try (ResumeStore.Slot slot = restarted.claim(PEER, target, entry);
             PartFile part = PartFile.open(restarted, slot, target, entry)) {
            assertThat(slot.offset).isEqualTo(PartFile.CHECKPOINT_BYTES);
            part.write(content, (int) slot.offset, content.length - (int) slot.offset);
            assertThat(part.finish()).isEqualTo(target);
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(listing(folder.root())).containsExactly("big");
        assertThat(listing(temp.resolve("data/partial")).stream().filter(n -> n.endsWith(".state"))).isEmpty();
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(TargetFolder.permissions(0640));
    }

    @Test
    void checkpointsRunBesideTheWritesAndAResumeStartsAtTheLastOneSaved() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        byte[] content = new byte[(int) (3 * PartFile.CHECKPOINT_BYTES + 12345)];
        new java.util.Random(3).nextBytes(content);
        ManifestEntry entry = entry("big", content);
        Path target = folder.resolve("big");
        ResumeStore store = store();
        int stop = content.length - 1000;
        try (ResumeStore.Slot slot = store.claim(PEER, target, entry); PartFile part = PartFile.open(store, slot, target, entry)) {
            for (int at = 0; at < stop; at += Math.min(65536, stop - at)) {
                part.write(content, at, Math.min(65536, stop - at));
                long due = (at + Math.min(65536, stop - at)) / PartFile.CHECKPOINT_BYTES * PartFile.CHECKPOINT_BYTES;
                if (due > 0 && due < 3 * PartFile.CHECKPOINT_BYTES) {
                    // a checkpoint starts only once the one before is saved (the writes never wait for the disk): give
                    // each its time here, as a network's pace would, so that the next one starts at its boundary
                    awaitSaved(target, entry, due);
                }
            }
        } // closing waits for the checkpoint in flight
        long saved = store().peek(PEER, target, entry);
        assertThat(saved).isBetween(2 * PartFile.CHECKPOINT_BYTES, 3 * PartFile.CHECKPOINT_BYTES + 65536);
        assertThat(receive(store(), target, entry, content)).isEqualTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
    }

    /** Waits (10 s at most) until the saved resume state names at least {@code offset} bytes. */
    private void awaitSaved(Path target, ManifestEntry entry, long offset) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (store().peek(PEER, target, entry) < offset) {
            assertThat(System.nanoTime()).as("checkpoint at %d saved", offset).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void aCheckpointThatCannotBeSavedFailsTheNextWriteWithTheCause() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        byte[] content = new byte[(int) (2 * PartFile.CHECKPOINT_BYTES)];
        ManifestEntry entry = entry("big", content);
        Path target = folder.resolve("big");
        ResumeStore store = store();
        try (ResumeStore.Slot slot = store.claim(PEER, target, entry); PartFile part = PartFile.open(store, slot, target, entry)) {
            // the state's folder becomes a plain file: every save from now on fails
            Path stateFolder = slot.state.getParent();
            try (var states = Files.list(stateFolder)) {
                for (Path state : states.toList()) {
                    Files.delete(state);
                }
            }
            Files.delete(stateFolder);
            Files.writeString(stateFolder, "not a folder");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                for (int at = 0; at < content.length; at += 65536) {
                    part.write(content, at, 65536);
                }
                part.finish();
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aPartWhosePrefixChangedAfterItWasVerifiedIsNotResumed() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        byte[] content = new byte[(int) PartFile.CHECKPOINT_BYTES + 1000];
        new java.util.Random(2).nextBytes(content);
        ManifestEntry entry = entry("big", content);
        Path target = folder.resolve("big");
        ResumeStore store = store();
        try (ResumeStore.Slot slot = store.claim(PEER, target, entry); PartFile part = PartFile.open(store, slot, target, entry)) {
            part.write(content, 0, (int) PartFile.CHECKPOINT_BYTES);
        }
        try (var channel = java.nio.channels.FileChannel.open(folder.resolve("big.part"), java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {42}), 1000); // changed behind Punchline's back
        }
        assertThat(receive(store(), target, entry, content)).isEqualTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(listing(folder.root())).containsExactlyInAnyOrder("big", "big.part"); // the changed part is left alone
    }

    @Test
    void partAndStateFilesInTheTargetFolderAreNeverResumedOrReplaced() throws Exception {
        // what a peer could plant by sending two files: a part with its own bytes and a state claiming it is complete
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        byte[] honest = "the real application".getBytes(StandardCharsets.UTF_8);
        byte[] planted = "an evil application!".getBytes(StandardCharsets.UTF_8);
        ManifestEntry entry = ManifestEntry.file("app.bin", honest.length, 0755,
                java.security.MessageDigest.getInstance("SHA-256").digest(honest));
        Files.write(folder.resolve("app.bin.part"), planted);
        Files.write(folder.resolve(".app.bin.part.state"),
                new PartState(entry.sha256(), honest.length, honest.length, entry.sha256(), "app.bin.part").encode());
        assertThat(store().peek(PEER, folder.resolve("app.bin"), entry)).isZero();
        assertThat(receive(store(), folder.resolve("app.bin"), entry, honest)).isEqualTo(folder.resolve("app.bin"));
        assertThat(Files.readAllBytes(folder.resolve("app.bin"))).isEqualTo(honest);
        assertThat(Files.readAllBytes(folder.resolve("app.bin.part"))).isEqualTo(planted);
        assertThat(listing(folder.root())).containsExactlyInAnyOrder("app.bin", "app.bin.part", ".app.bin.part.state");
    }

    @Test
    void twoTransfersOfOneNameNeverShareAPart() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        Path target = folder.resolve("doc.txt");
        byte[] first = "first sender's document".getBytes(StandardCharsets.UTF_8);
        byte[] second = "second sender's text, longer".getBytes(StandardCharsets.UTF_8);
        ResumeStore store = store();
        ManifestEntry one = entry("doc.txt", first);
        ManifestEntry two = entry("doc.txt", second);
        try (ResumeStore.Slot a = store.claim(PEER, target, one); ResumeStore.Slot b = store.claim(PEER, target, two);
             PartFile partA = PartFile.open(store, a, target, one); PartFile partB = PartFile.open(store, b, target, two)) {
            assertThat(partA.path()).isNotEqualTo(partB.path());
            partA.write(first, 0, 10);
            partB.write(second, 0, 10);
            partA.write(first, 10, first.length - 10);
            partB.write(second, 10, second.length - 10);
            assertThat(partA.finish()).isEqualTo(target);
            assertThat(partB.finish()).isEqualTo(folder.resolve("doc (1).txt"));
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(first);
        assertThat(Files.readAllBytes(folder.resolve("doc (1).txt"))).isEqualTo(second);
        // the same file twice at once from one peer: the second transfer does not take the first one's state
        ResumeStore.Slot held = store.claim(PEER, folder.resolve("x"), one);
        try (ResumeStore.Slot other = store.claim(PEER, folder.resolve("x"), one)) {
            assertThat(other.state).isNotEqualTo(held.state);
        } finally {
            held.close();
        }
    }

    @Test
    void theFinalMoveNeverReplacesAFileCreatedAfterItsNameWasFoundFree() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        Path target = folder.resolve("report.pdf");
        byte[] content = "received".getBytes(StandardCharsets.UTF_8);
        ManifestEntry entry = entry("report.pdf", content);
        ResumeStore store = store();
        Path placed;
        try (ResumeStore.Slot slot = store.claim(PEER, target, entry); PartFile part = PartFile.open(store, slot, target, entry)) {
            part.write(content, 0, content.length);
            placed = part.finish(candidate -> {
                if (candidate.equals(target)) {
                    Files.writeString(target, "saved by the user a moment ago"); // the race: after the free-name check
                }
            });
        }
        assertThat(placed).isEqualTo(folder.resolve("report (1).pdf"));
        assertThat(Files.readString(target)).isEqualTo("saved by the user a moment ago");
        assertThat(Files.readAllBytes(placed)).isEqualTo(content);
        assertThat(listing(folder.root())).containsExactlyInAnyOrder("report.pdf", "report (1).pdf");
    }

    static Set<String> listing(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            Set<String> out = new TreeSet<>();
            walk.forEach(p -> out.add(root.relativize(p).toString()));
            out.remove("");
            return out;
        }
    }
}
