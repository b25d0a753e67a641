package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.tls.CertificateFingerprint;
import io.punchline.wire.IpLiteral;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
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
    void anIpv6RelayPrintsItsAddressInRfc5952FormBracketedAndReadsBack() throws Exception {
        for (String ip : new String[] {"::1", "2001:db8:0:0:1:0:0:1", "2001:DB8::8:800:200C:417A", "fd00::2"}) {
            InetSocketAddress socket = new InetSocketAddress(InetAddress.getByName(ip), 4433); // literals: no lookup
            RelayAddress address = RelayAddress.of(socket, TLS, RELAY);
            String printed = address.toString();
            assertThat(printed).startsWith("[" + IpLiteral.format(socket.getAddress()) + "]:4433#")
                    .doesNotContain("%").doesNotContain("0:0:0");
            RelayAddress read = RelayAddress.parse(printed);
            assertThat(read).isEqualTo(address);
            assertThat(read.toString()).isEqualTo(printed);
            assertThat(InetAddress.getByName(read.host())).isEqualTo(socket.getAddress());
        }
        assertThat(RelayAddress.of(new InetSocketAddress(InetAddress.getByName("::1"), 4433), TLS, null).toString())
                .isEqualTo("[::1]:4433#" + TLS);
        assertThat(RelayAddress.parse("[2001:db8::1]:4433#" + TLS).host()).isEqualTo("2001:db8::1");
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
