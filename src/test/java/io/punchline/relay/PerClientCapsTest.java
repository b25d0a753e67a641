package io.punchline.relay;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-client caps count an IPv4 address or a whole IPv6 /64 ({@link ClientKey}): one host that picks a fresh address
 * of its /64 for every request still counts as one client, for sessions, requests per minute and connections.
 */
class PerClientCapsTest {

    @Test
    void everyAddressOfOneIpv6Slash64IsOneClient() throws Exception {
        assertThat(ClientKey.of(ip("2001:db8:1:2::1"))).isEqualTo(ClientKey.of(ip("2001:db8:1:2:ffff:ffff:ffff:fffe")));
        assertThat(ClientKey.of(ip("2001:db8:1:2::1"))).isNotEqualTo(ClientKey.of(ip("2001:db8:1:3::1")));
        assertThat(ClientKey.of(ip("2001:db8:1:2::1")).toString()).isEqualTo("2001:db8:1:2:0:0:0:0/64");
    }

    @Test
    void ipv4AddressesAreKeptWholeInEveryForm() throws Exception {
        assertThat(ClientKey.of(ip("198.18.1.1"))).isNotEqualTo(ClientKey.of(ip("198.18.1.2")));
        assertThat(ClientKey.of(ip("::ffff:198.18.1.1"))).isEqualTo(ClientKey.of(ip("198.18.1.1")));
        assertThat(ClientKey.of(ip("64:ff9b::c612:101"))).isEqualTo(ClientKey.of(ip("198.18.1.1")));
    }

    @Test
    void sessionsPerClientAreCappedPerSlash64() throws Exception {
        BindDirectory directory = new BindDirectory(config(1, 600));
        assertThat(directory.admit(ClientKey.of(ip("2001:db8:1:2::1")), null)).isEqualTo(BindDirectory.Admission.ADMITTED);
        // the same host with another address of its /64
        assertThat(directory.admit(ClientKey.of(ip("2001:db8:1:2::2")), null))
                .isEqualTo(BindDirectory.Admission.TOO_MANY_REQUESTS);
        assertThat(directory.admit(ClientKey.of(ip("2001:db8:1:3::1")), null)).isEqualTo(BindDirectory.Admission.ADMITTED);
    }

    @Test
    void requestsPerMinuteAreCountedPerSlash64() throws Exception {
        BindDirectory directory = new BindDirectory(config(100, 3));
        for (int i = 1; i <= 3; i++) {
            assertThat(directory.admit(ClientKey.of(ip("2001:db8:1:2::" + i)), null))
                    .isEqualTo(BindDirectory.Admission.ADMITTED);
        }
        assertThat(directory.admit(ClientKey.of(ip("2001:db8:1:2::99")), null))
                .isEqualTo(BindDirectory.Admission.TOO_MANY_REQUESTS);
    }

    @Test
    void connectionsPerClientAreCappedPerSlash64() throws Exception {
        ClientConnections connections = new ClientConnections(RelayResources.DEFAULT.withConnections(10, 2));
        assertThat(connections.admit(ClientKey.of(ip("2001:db8:1:2::1")))).isTrue();
        assertThat(connections.admit(ClientKey.of(ip("2001:db8:1:2::2")))).isTrue();
        assertThat(connections.admit(ClientKey.of(ip("2001:db8:1:2:aaaa::3")))).isFalse();
        assertThat(connections.admit(ClientKey.of(ip("2001:db8:1:3::1")))).isTrue();
        connections.release(ClientKey.of(ip("2001:db8:1:2::1")));
        assertThat(connections.admit(ClientKey.of(ip("2001:db8:1:2::4")))).isTrue();
    }

    @Test
    void connectionsAreCappedInAll() throws Exception {
        ClientConnections connections = new ClientConnections(RelayResources.DEFAULT.withConnections(2, 2));
        assertThat(connections.admit(ClientKey.of(ip("198.18.1.1")))).isTrue();
        assertThat(connections.admit(ClientKey.of(ip("198.18.2.1")))).isTrue();
        assertThat(connections.admit(ClientKey.of(ip("198.18.3.1")))).isFalse();
    }

    private static RelayConfig config(int perClient, int perMinute) {
        return RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLimits(1000, perClient, 8, 0, perMinute);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
