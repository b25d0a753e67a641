package io.punchline.pairing;

import io.punchline.crypto.Identity;
import io.punchline.masque.RelayAddress;
import io.punchline.session.PeerContact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store of paired peers: atomic owner-only writes, unique names, corrupt files kept, never dropped. */
class RememberedPeersTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path dir;

    static PairingCard card(String name) {
        Identity identity = Identity.generate(RANDOM);
        RelayAddress relay = RelayAddress.parse(PairingFuzzTest.RELAY_TEXT);
        return new PairingCard(name, identity.publicKey(), new PeerContact(identity.peerId(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 4433), relay));
    }

    /** Issue 11, point 8: a device name is peer text shown in the CLI and the window. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"invoice\u202Efdp.exe", "laptop\u200B", "evil\u001B[2J",
            "two\u2028lines"})
    void aDeviceNameWithControlOrFormatCharactersIsRefused(String name) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> card(name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format characters");
    }

    @Test
    void peersSurviveAReloadAndTheFileIsOwnerOnlyWithNoTempFilesLeft() throws Exception {
        RememberedPeers store = RememberedPeers.load(dir);
        PairingCard laptop = card("laptop");
        store.remember(laptop, NOW);
        store.remember(card("phone"), NOW);
        RememberedPeers again = RememberedPeers.load(dir);
        assertThat(again.all()).extracting(RememberedPeers.Peer::name).containsExactly("laptop", "phone");
        RememberedPeers.Peer peer = again.byName("laptop").orElseThrow();
        assertThat(peer.peerId()).isEqualTo(laptop.peer());
        assertThat(peer.publicKeyBytes()).isEqualTo(laptop.publicKey());
        assertThat(peer.lastContact()).isEqualTo(laptop.contact().toString());
        assertThat(peer.pairedAtInstant()).isEqualTo(NOW);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(RememberedPeers.FILE_NAME))))
                .isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(RememberedPeers.FILE_NAME);
        }
    }

    @Test
    void namesAreUniqueRenameRefusesAClashAndForgetRemoves() throws Exception {
        RememberedPeers store = RememberedPeers.load(dir);
        store.remember(card("laptop"), NOW);
        assertThat(store.remember(card("laptop"), NOW).name()).isEqualTo("laptop (2)");
        assertThatThrownBy(() -> store.rename("laptop (2)", "laptop"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already named 'laptop'");
        store.rename("laptop (2)", "work laptop");
        assertThatThrownBy(() -> store.rename("nobody", "x")).hasMessageContaining("no paired peer named 'nobody'");
        assertThat(store.forget("laptop")).isTrue();
        assertThat(store.forget("laptop")).isFalse();
        assertThat(RememberedPeers.load(dir).all()).extracting(RememberedPeers.Peer::name).containsExactly("work laptop");
    }

    @Test
    void pairingAgainWithAKnownPeerKeepsItsNameAndUpdatesItsContact() throws Exception {
        RememberedPeers store = RememberedPeers.load(dir);
        PairingCard first = card("desk");
        store.remember(first, NOW);
        store.rename("desk", "my desk");
        RememberedPeers.Peer again = store.remember(first, NOW.plusSeconds(60));
        assertThat(again.name()).isEqualTo("my desk");
        store.seen(first.peer(), null, NOW.plusSeconds(120));
        assertThat(store.byPeerId(first.peer()).orElseThrow().lastSeenInstant()).isEqualTo(NOW.plusSeconds(120));
        assertThat(store.all()).hasSize(1);
    }

    @Test
    void aCorruptFileIsAnErrorAndIsSetAsideNotSilentlyDropped() throws Exception {
        Path file = dir.resolve(RememberedPeers.FILE_NAME);
        Files.writeString(file, "{\"format\":1,\"peers\":[{\"name\":\"x\"");
        assertThatThrownBy(() -> RememberedPeers.load(dir))
                .hasMessageContaining("damaged").hasMessageContaining(".corrupt");
        assertThat(file).exists();
        Path aside = RememberedPeers.setAsideCorrupt(dir);
        assertThat(aside.getFileName().toString()).isEqualTo("peers.json.corrupt");
        assertThat(RememberedPeers.load(dir).all()).isEmpty();
    }

    @Test
    void anEntryWhoseKeyIsNotItsFingerprintIsRefused() throws Exception {
        RememberedPeers store = RememberedPeers.load(dir);
        store.remember(card("a"), NOW);
        String other = java.util.Base64.getEncoder().encodeToString(card("b").publicKey());
        Path file = dir.resolve(RememberedPeers.FILE_NAME);
        String text = Files.readString(file);
        String key = store.all().get(0).publicKey();
        Files.writeString(file, text.replace(key, other));
        assertThatThrownBy(() -> RememberedPeers.load(dir)).hasMessageContaining("not its fingerprint's");
    }
}
