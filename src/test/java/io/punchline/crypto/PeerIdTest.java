package io.punchline.crypto;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerIdTest {

    static final PeerId ZERO = new PeerId(new byte[32]);

    @Test
    void fingerprintIsThirteenGroupsOfFourBase32Characters() {
        assertThat(ZERO.fingerprint()).isEqualTo("aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa");
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xff);
        assertThat(new PeerId(ones).fingerprint())
                .isEqualTo("7777-7777-7777-7777-7777-7777-7777-7777-7777-7777-7777-7777-777q");
        assertThat(HandshakeFixture.DIALLER.peerId().fingerprint()).matches("([a-z2-7]{4}-){12}[a-z2-7]{4}");
    }

    @Test
    void shortFingerprintIsTheFirstTwoGroups() {
        PeerId id = HandshakeFixture.DIALLER.peerId();
        assertThat(id.shortFingerprint()).hasSize(9).isEqualTo(id.fingerprint().substring(0, 9));
        assertThat(PeerId.shortFingerprint(id.fingerprint())).isEqualTo(id.shortFingerprint());
        assertThat(PeerId.shortFingerprint("abcd-efg")).isEqualTo("abcd-efg");
        assertThat(PeerId.shortFingerprint(null)).isNull();
    }

    @Test
    void peerIdIsSha256OfThePublicKey() throws Exception {
        byte[] key = HandshakeFixture.DIALLER.publicKey();
        assertThat(key).hasSize(1952);
        assertThat(HandshakeFixture.DIALLER.peerId().bytes())
                .isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(key));
    }

    @Test
    void parserAcceptsUpperCase() {
        PeerId id = HandshakeFixture.LISTENER.peerId();
        assertThat(PeerId.parse(id.fingerprint().toUpperCase())).isEqualTo(id);
    }

    @Test
    void parserIsStrict() {
        String good = HandshakeFixture.LISTENER.peerId().fingerprint();
        assertThatThrownBy(() -> PeerId.parse(good.substring(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.parse(good + "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.parse(good.replace('-', '_'))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.parse("1" + good.substring(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.parse(good.replace("-", "").concat("abcdefghijkl")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.parse(ZERO.fingerprint().substring(0, 63) + "b"))
                .as("non-zero padding bits").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringIsTheFingerprint() {
        assertThat(ZERO.toString()).contains(ZERO.fingerprint());
    }
}
