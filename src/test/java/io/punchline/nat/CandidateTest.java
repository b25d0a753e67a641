package io.punchline.nat;

import static io.punchline.nat.Addresses.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.nat.Candidate.Type;
import org.junit.jupiter.api.Test;

/** RFC 8445 section 5.1.2.1 priorities, worked out by hand: 2^24*type + 2^8*local + 255. */
class CandidateTest {

    @Test
    void hostPublicIpv4() {
        // 126*2^24 = 2113929216, 65534*2^8 = 16776704
        assertThat(Candidate.of(Type.HOST, address("192.0.2.1", 1)).priority()).isEqualTo(2130706175L);
    }

    @Test
    void hostPublicIpv6RanksJustAboveIpv4() {
        assertThat(Candidate.of(Type.HOST, address("2001:db8::1", 1)).priority()).isEqualTo(2130706431L);
    }

    @Test
    void aPortMappedCandidateRanksBetweenHostAndServerReflexive() {
        // 110*2^24 = 1845493760, 65534*2^8 = 16776704
        assertThat(Candidate.of(Type.MAPPED, address("198.51.100.20", 1)).priority()).isEqualTo(1862270719L);
    }

    @Test
    void serverReflexivePublicIpv4() {
        // 100*2^24 = 1677721600
        assertThat(Candidate.of(Type.SERVER_REFLEXIVE, address("198.51.100.20", 1)).priority())
                .isEqualTo(1694498559L);
    }

    @Test
    void hostPrivateIpv4() {
        // 49150*2^8 = 12582400
        assertThat(Candidate.of(Type.HOST, address("192.168.1.10", 1)).priority()).isEqualTo(2126511871L);
    }

    @Test
    void relayedHasTypePreferenceZero() {
        assertThat(Candidate.of(Type.RELAYED, address("203.0.113.1", 1)).priority()).isEqualTo(16776959L);
    }

    @Test
    void publicBeatsPrivateBeatsLinkLocalBeatsLoopbackWithinAType() {
        long pub = Candidate.of(Type.HOST, address("192.0.2.1", 1)).priority();
        long priv = Candidate.of(Type.HOST, address("10.1.2.3", 1)).priority();
        long cgnat = Candidate.of(Type.HOST, address("100.64.0.1", 1)).priority();
        long link = Candidate.of(Type.HOST, address("169.254.3.4", 1)).priority();
        long loop = Candidate.of(Type.HOST, address("127.0.0.1", 1)).priority();
        assertThat(pub).isGreaterThan(priv);
        assertThat(priv).isEqualTo(cgnat).isGreaterThan(link);
        assertThat(link).isGreaterThan(loop);
    }

    @Test
    void typePreferenceDominatesLocalPreference() {
        assertThat(Candidate.of(Type.HOST, address("127.0.0.1", 1)).priority())
                .isGreaterThan(Candidate.of(Type.SERVER_REFLEXIVE, address("2001:db8::1", 1)).priority());
    }

    @Test
    void advertisedPublicIpv4IsTakenAsServerReflexiveEverythingElseAsHost() {
        assertThat(Candidate.inferred(address("203.0.113.50", 1)).type()).isEqualTo(Type.SERVER_REFLEXIVE);
        assertThat(Candidate.inferred(address("192.168.1.20", 1)).type()).isEqualTo(Type.HOST);
        assertThat(Candidate.inferred(address("2001:db8::20", 1)).type()).isEqualTo(Type.HOST);
    }

    @Test
    void unusableAddressesAreNotCandidates() {
        for (String ip : new String[] {"0.0.0.0", "224.0.0.1", "255.255.255.255", "240.0.0.1", "::", "ff02::1"}) {
            assertThat(Candidate.isUsable(address(ip, 1))).as(ip).isFalse();
            assertThatThrownBy(() -> Candidate.of(Type.HOST, address(ip, 1))).isInstanceOf(
                    IllegalArgumentException.class);
        }
        assertThat(Candidate.isUsable(address("192.0.2.1", 0))).isFalse();
    }

    @Test
    void priorityMustFitThirtyOneBits() {
        assertThatThrownBy(() -> new Candidate(Type.HOST, address("192.0.2.1", 1), 1L << 31))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Candidate(Type.HOST, address("192.0.2.1", 1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scopes() {
        assertThat(AddressScope.of(address("172.16.0.1", 1).getAddress())).isEqualTo(AddressScope.PRIVATE);
        assertThat(AddressScope.of(address("172.32.0.1", 1).getAddress())).isEqualTo(AddressScope.PUBLIC);
        assertThat(AddressScope.of(address("100.128.0.1", 1).getAddress())).isEqualTo(AddressScope.PUBLIC);
        assertThat(AddressScope.of(address("fd12:3456:789a::1", 1).getAddress())).isEqualTo(AddressScope.PRIVATE);
        assertThat(AddressScope.of(address("fe80::1", 1).getAddress())).isEqualTo(AddressScope.LINK_LOCAL);
        assertThat(AddressScope.of(address("::1", 1).getAddress())).isEqualTo(AddressScope.LOOPBACK);
        assertThat(AddressScope.of(address("::ffff:10.0.0.1", 1).getAddress())).isEqualTo(AddressScope.PRIVATE);
    }

    @Test
    void sameSiteMeansSamePrivateBlock() {
        assertThat(AddressScope.sameSite(ip("192.168.1.10"), ip("192.168.7.20"))).isTrue();
        assertThat(AddressScope.sameSite(ip("10.1.0.1"), ip("10.200.0.1"))).isTrue();
        assertThat(AddressScope.sameSite(ip("172.16.0.1"), ip("172.31.0.1"))).isTrue();
        assertThat(AddressScope.sameSite(ip("192.168.1.10"), ip("10.0.0.1"))).isFalse();
        assertThat(AddressScope.sameSite(ip("fd00:1:2::1"), ip("fd00:1:2:3::1"))).isTrue();
        assertThat(AddressScope.sameSite(ip("fd00:1:2::1"), ip("fd00:1:3::1"))).isFalse();
        assertThat(AddressScope.sameSite(ip("fe80::1"), ip("fe80::2"))).isFalse();
        assertThat(AddressScope.sameSite(ip("192.0.2.1"), ip("192.0.2.2"))).isFalse();
        assertThat(AddressScope.sameSite(ip("127.0.0.1"), ip("127.0.0.1"))).isTrue();
    }

    private static java.net.InetAddress ip(String text) {
        return address(text, 1).getAddress();
    }
}
