package io.punchline.relay;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a relay's binds announce ({@link AnnouncedAddresses}, {@link RelayContext#announcedAddresses(InetSocketAddress)}):
 * one address per family, both only on the dual-stack wildcard {@code ::}, the client's family first.
 */
class AnnouncedAddressesTest {

    static final InetAddress V4 = ip("198.18.0.10");
    static final InetAddress V6 = ip("2001:db8::10");
    static final List<InetAddress> INTERFACES = List.of(ip("fe80::1"), ip("169.254.1.1"), ip("fd00::5"), V6, V4,
            ip("198.18.0.99"), ip("2001:db8::99"));

    @Test
    void aDualStackWildcardAnnouncesAnIpv4AndAGlobalIpv6AddressOfItsInterfaces() {
        assertThat(AnnouncedAddresses.of(ip("::"), null, INTERFACES)).containsExactly(V4, V6);
        assertThat(AnnouncedAddresses.of(ip("::"), null, List.of(V4, ip("fd00::5"), ip("fe80::1"))))
                .as("no global IPv6 address: IPv4 alone, as before").containsExactly(V4);
    }

    @Test
    void aConfiguredPublicAddressComesFirstAndTheOtherFamilyComesFromTheInterfaces() {
        InetAddress configured = ip("2001:db8::77");
        assertThat(AnnouncedAddresses.of(ip("::"), configured, INTERFACES)).containsExactly(configured, V4);
        assertThat(AnnouncedAddresses.of(ip("::"), ip("203.0.113.7"), INTERFACES)).containsExactly(ip("203.0.113.7"), V6);
    }

    @Test
    void anIpv4WildcardOrASpecificAddressAnnouncesOneFamilyAsBefore() {
        assertThat(AnnouncedAddresses.of(ip("0.0.0.0"), null, INTERFACES)).containsExactly(V4);
        assertThat(AnnouncedAddresses.of(V6, null, INTERFACES)).containsExactly(V6);
        assertThat(AnnouncedAddresses.of(ip("0.0.0.0"), V6, INTERFACES)).containsExactly(V6);
        assertThat(AnnouncedAddresses.of(ip("0.0.0.0"), null, List.of())).containsExactly(InetAddress.getLoopbackAddress());
    }

    @Test
    void eachClientGetsItsOwnFamilyFirstAnIpv4MappedClientCountingAsIpv4() {
        RelayContext relay = new RelayContext(null, null, null, null, null, List.of(V6, V4), null, null, null, null, null, null, null);
        assertThat(relay.announcedAddresses(new InetSocketAddress(ip("198.18.1.1"), 5000))).containsExactly(V4, V6);
        assertThat(relay.announcedAddresses(new InetSocketAddress(ip("::ffff:198.18.1.1"), 5000))).containsExactly(V4, V6);
        assertThat(relay.announcedAddresses(new InetSocketAddress(ip("2001:db8:1::2"), 5000))).containsExactly(V6, V4);
        assertThat(relay.announcedAddress()).isEqualTo(V6);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
