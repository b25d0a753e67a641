package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.tls.CertificateFingerprint;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relay contact {@code HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID} and its older two-part form. */
class RelayAddressTest {

    private static final CertificateFingerprint TLS = new CertificateFingerprint(new byte[32]);
    private static final PeerId RELAY = Identity.generate(new SecureRandom()).peerId();

    @Test
    void theThreePartFormRoundTripsWithTheRelayPeerId() {
        RelayAddress address = new RelayAddress("192.0.2.7", 4433, TLS, RELAY);
        String printed = address.toString();
        assertThat(printed).isEqualTo("192.0.2.7:4433#" + TLS + "#" + RELAY.fingerprint());
        assertThat(RelayAddress.parse(printed)).isEqualTo(address);
    }

    @Test
    void ipv6HostsAreBracketed() {
        RelayAddress address = new RelayAddress("2001:db8::1", 443, TLS, RELAY);
        assertThat(address.toString()).startsWith("[2001:db8::1]:443#");
        assertThat(RelayAddress.parse(address.toString())).isEqualTo(address);
    }

    @Test
    void theTwoPartFormStillParsesWithoutARelayPeerId() {
        RelayAddress address = RelayAddress.parse("127.0.0.1:4433#" + TLS);
        assertThat(address.relayPeer()).isNull();
        assertThat(address.toString()).isEqualTo("127.0.0.1:4433#" + TLS);
    }

    @Test
    void malformedContactsSayWhichPartIsWrong() {
        assertThatThrownBy(() -> RelayAddress.parse("127.0.0.1:4433"))
                .hasMessageContaining("#TLS_FINGERPRINT");
        assertThatThrownBy(() -> RelayAddress.parse("127.0.0.1:4433#" + TLS + "#not-a-peer"))
                .hasMessageContaining("relay PeerId is not valid");
        assertThatThrownBy(() -> RelayAddress.parse("127.0.0.1:4433#" + TLS + "#" + RELAY.fingerprint() + "#x"))
                .hasMessageContaining("more than three");
        assertThatThrownBy(() -> RelayAddress.parse("127.0.0.1#" + TLS))
                .hasMessageContaining(":PORT");
    }
}
