package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.tls.CertificateFingerprint;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relay setting's list form: one contact as before, or a fleet's relays, comma-separated, sharing one set of pins. */
class RelayFleetSyntaxTest {

    private static final CertificateFingerprint TLS = new CertificateFingerprint(new byte[32]);
    private static final PeerId RELAY = Identity.generate(new SecureRandom()).peerId();
    private static final String PINS = "#" + TLS + "#" + RELAY.fingerprint();

    @Test
    void oneContactIsTheOldFormAndPrintsAsItWasWritten() {
        RelayFleet one = RelayFleet.parse("192.0.2.7:4433" + PINS);
        assertThat(one.relays()).containsExactly(RelayAddress.parse("192.0.2.7:4433" + PINS));
        assertThat(one.toString()).isEqualTo("192.0.2.7:4433" + PINS);
    }

    @Test
    void bareHostPortsTakeThePinsOfTheContactInTheList() {
        RelayFleet fleet = RelayFleet.parse(" 192.0.2.7:4433, [2001:db8::1]:4433 ,relay.example:443" + PINS);
        assertThat(fleet.relays()).extracting(RelayAddress::authority)
                .containsExactly("192.0.2.7:4433", "[2001:db8::1]:4433", "relay.example:443");
        assertThat(fleet.relays()).allSatisfy(relay -> {
            assertThat(relay.fingerprint()).isEqualTo(TLS);
            assertThat(relay.relayPeer()).isEqualTo(RELAY);
        });
        assertThat(fleet.toString()).isEqualTo("192.0.2.7:4433,[2001:db8::1]:4433,relay.example:443" + PINS);
        assertThat(RelayFleet.parse(fleet.toString())).isEqualTo(fleet);
    }

    @Test
    void wholeContactsJoinedByCommasAreAFleetToo() {
        RelayFleet fleet = RelayFleet.parse("192.0.2.7:4433" + PINS + ",192.0.2.8:4433" + PINS);
        assertThat(fleet.relays()).extracting(RelayAddress::authority).containsExactly("192.0.2.7:4433", "192.0.2.8:4433");
    }

    @Test
    void malformedListsSayWhatIsWrong() {
        assertThatThrownBy(() -> RelayFleet.parse("192.0.2.7:4433,192.0.2.8:4433"))
                .hasMessageContaining("has no #TLS_FINGERPRINT#RELAY_PEER_ID");
        assertThatThrownBy(() -> RelayFleet.parse("192.0.2.7:4433,,192.0.2.8:4433" + PINS))
                .hasMessageContaining("has an empty entry");
        assertThatThrownBy(() -> RelayFleet.parse("192.0.2.7:4433,192.0.2.7:4433" + PINS))
                .hasMessage("relay 192.0.2.7:4433 is listed twice");
        assertThatThrownBy(() -> RelayFleet.parse("192.0.2.7" + "," + "192.0.2.8:4433" + PINS))
                .hasMessageStartingWith("relay list entry '192.0.2.7': ").hasMessageContaining("has no :PORT");
        String otherPins = "#" + new CertificateFingerprint(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}) + "#" + RELAY.fingerprint();
        assertThatThrownBy(() -> RelayFleet.parse("192.0.2.7:4433" + PINS + ",192.0.2.8:4433" + otherPins))
                .hasMessageContaining("the relays of a fleet share one identity");
        assertThatThrownBy(() -> RelayFleet.parse(" ")).hasMessageContaining("no relay given");
        assertThatThrownBy(() -> new RelayFleet(List.of())).hasMessageContaining("at least one relay");
    }

    @Test
    void aSingleContactFieldRefusesAListWithAClearMessage() {
        assertThatThrownBy(() -> RelayAddress.parse("192.0.2.7:4433,192.0.2.8:4433" + PINS))
                .hasMessageContaining("is a list of relays; one relay");
    }
}
