package io.punchline.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityTest {

    @Test
    void firstStartCreatesAnOwnerOnlyFileAndLaterStartsLoadIt(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("config");
        Identity created = Identity.loadOrCreate(config);
        Path file = config.resolve(Identity.FILE_NAME);
        assertThat(file).exists();
        assertThat(Files.size(file)).isEqualTo(6 + 32);
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(Files.list(config)).as("no temp file left behind").containsExactly(file);
        Identity loaded = Identity.loadOrCreate(config);
        assertThat(loaded.peerId()).isEqualTo(created.peerId());
        assertThat(loaded.publicKey()).isEqualTo(created.publicKey());
    }

    @Test
    void aDamagedFileIsRefusedNotReplaced(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(Identity.FILE_NAME), "garbage");
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(dir.resolve(Identity.FILE_NAME), PosixFilePermissions.fromString("rw-------"));
        }
        assertThatThrownBy(() -> Identity.loadOrCreate(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a Punchline ML-DSA-65 identity file");
        assertThat(Files.readString(dir.resolve(Identity.FILE_NAME))).isEqualTo("garbage");
    }

    @Test
    void anIdentityFileOthersCanReadIsRefusedWithTheFix(@TempDir Path dir) throws IOException {
        Identity.loadOrCreate(dir);
        Path file = dir.resolve(Identity.FILE_NAME);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(file).supportsFileAttributeView("posix"),
                "POSIX permissions only");
        byte[] before = Files.readAllBytes(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Identity.loadOrCreate(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("rw-r--r--")
                .hasMessageContaining("chmod 600 " + file);
        assertThat(Files.readAllBytes(file)).as("left as it was").isEqualTo(before);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        assertThatThrownBy(() -> Identity.loadOrCreate(dir)).hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(Identity.loadOrCreate(dir).publicKey()).hasSize(1952);
    }

    @Test
    void toStringShowsOnlyThePeerId(@TempDir Path dir) throws IOException {
        Identity identity = Identity.loadOrCreate(dir);
        byte[] file = Files.readAllBytes(dir.resolve(Identity.FILE_NAME));
        String seedHex = java.util.HexFormat.of().formatHex(file, 6, file.length);
        assertThat(identity.toString()).isEqualTo("Identity[" + identity.peerId().fingerprint() + "]")
                .doesNotContain(seedHex);
    }

    @Test
    void signaturesVerifyOnlyForTheSignedMessageAndKey() {
        Identity identity = HandshakeFixture.DIALLER;
        byte[] message = "message".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = identity.sign(message, new SecureRandom());
        assertThat(signature).hasSize(3309);
        assertThat(Identity.verify(identity.publicKey(), message, signature)).isTrue();
        assertThat(Identity.verify(HandshakeFixture.LISTENER.publicKey(), message, signature)).isFalse();
        assertThat(Identity.verify(identity.publicKey(), "other".getBytes(StandardCharsets.US_ASCII), signature))
                .isFalse();
        assertThat(Identity.verify(new byte[5], message, signature)).isFalse();
        assertThat(Identity.verify(identity.publicKey(), message, new byte[5])).isFalse();
    }

    @Test
    void aSeededRandomGivesTheSameIdentity() {
        assertThat(Identity.generate(new CounterDrbg("x")).peerId())
                .isEqualTo(Identity.generate(new CounterDrbg("x")).peerId())
                .isNotEqualTo(Identity.generate(new CounterDrbg("y")).peerId());
    }
}
