package io.punchline.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
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

    static Path receive(Path target, ManifestEntry entry, byte[] content) throws Exception {
        try (PartFile part = PartFile.open(target, entry, PartFile.resumeOffset(target, entry))) {
            part.write(content, 0, content.length);
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
        assertThat(receive(report, entry("report.pdf", theirs), theirs)).isEqualTo(folder.resolve("report (2).pdf"));
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
        assertThat(receive(folder.resolve("a.txt"), entry("a.txt", content), content)).isEqualTo(folder.resolve("a.txt"));
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
    void aPartWithoutAPunchlineSidecarIsNeverReused() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        Files.writeString(folder.resolve("a.txt.part"), "someone's file");
        byte[] content = "x".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PartFile.resumeOffset(folder.resolve("a.txt"), entry("a.txt", content)))
                .hasMessageContaining("is not a Punchline partial file");
    }

    @Test
    void aPartResumesFromItsCheckpointWithoutRereading() throws Exception {
        TargetFolder folder = new TargetFolder(temp.resolve("in"));
        byte[] content = new byte[(int) PartFile.CHECKPOINT_BYTES + 1000];
        new java.util.Random(1).nextBytes(content);
        ManifestEntry entry = entry("big", content);
        Path target = folder.resolve("big");
        try (PartFile part = PartFile.open(target, entry, 0)) {
            for (int at = 0; at < content.length - 500; at += Math.min(65536, content.length - 500 - at)) {
                part.write(content, at, Math.min(65536, content.length - 500 - at)); // one checkpoint on the way
            }
        } // closed without a last checkpoint, as a killed process would leave it
        long offset = PartFile.resumeOffset(target, entry);
        assertThat(offset).isEqualTo(PartFile.CHECKPOINT_BYTES);
        try (PartFile part = PartFile.open(target, entry, offset)) {
            part.write(content, (int) offset, content.length - (int) offset);
            assertThat(part.finish()).isEqualTo(target);
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(TargetFolder.state(target)).doesNotExist();
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(TargetFolder.permissions(0640));
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
