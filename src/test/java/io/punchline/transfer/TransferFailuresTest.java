package io.punchline.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Disk errors end a transfer on both sides with a clear message and no final file ({@link TwoPeerTransfers}). */
@Timeout(180)
class TransferFailuresTest extends TwoPeerTransfers {

    @Test
    void aFullDiskEndsTheTransferOnBothSidesWithAClearMessageAndNoFinalFile() throws Exception {
        Path target = temp.resolve("target");
        mountTmpfs(target, "size=2m");
        try {
            Path big = temp.resolve("src/big.bin");
            write(big, 6L << 20, 9);
            TransferResult[] results = sendAndAccept(big, target);
            assertThat(results[1].message()).contains("No space left on device").contains("big.bin");
            assertThat(results[0].message()).contains("No space left on device");
            assertThat(target.resolve("big.bin")).doesNotExist();
        } finally {
            new ProcessBuilder("umount", target.toString()).start().waitFor();
        }
    }

    @Test
    void aReadOnlyTargetFolderEndsTheTransferOnBothSidesWithAClearMessage() throws Exception {
        Path target = temp.resolve("target");
        Path readOnly = target.resolve("docs");
        Files.createDirectories(readOnly);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            mountTmpfs(readOnly, "ro,size=1m");
        } else {
            Files.setPosixFilePermissions(readOnly, TargetFolder.permissions(0555));
        }
        try {
            Path docs = temp.resolve("src/docs");
            write(docs.resolve("report.pdf"), 100_000, 11);
            TransferResult[] results = sendAndAccept(docs, target);
            assertThat(results[1].message()).containsAnyOf("Read-only file system", "permission denied").contains("report.pdf");
            assertThat(results[0].message()).containsAnyOf("Read-only file system", "permission denied");
            assertThat(readOnly.resolve("report.pdf")).doesNotExist();
        } finally {
            if (root) {
                new ProcessBuilder("umount", readOnly.toString()).start().waitFor();
            } else {
                Files.setPosixFilePermissions(readOnly, TargetFolder.permissions(0755));
            }
        }
    }
}
