package io.punchline.relay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standalone relay's target rules (docs/SECURITY.md, "The relay operator's side"): public unicast only by default,
 * every IPv6 disguise of an IPv4 address judged as that address, private space only when the operator allows it, and
 * nothing outside its own binds for an own-binds-only relay.
 */
class TargetPolicyTest {

    private static final int RELAY_PORT = 4433;
    private static final InetAddress OWN = literal("198.18.0.10");
    private static final InetAddress OWN_BROADCAST = literal("198.18.255.255");
    private static final TargetPolicy.Interfaces INTERFACES =
            new TargetPolicy.Interfaces(Set.of(OWN), Set.of(OWN_BROADCAST));

    private static final TargetPolicy PUBLIC = new TargetPolicy(INTERFACES, RELAY_PORT, false, TargetScope.PUBLIC);
    private static final TargetPolicy PRIVATE = new TargetPolicy(INTERFACES, RELAY_PORT, false, TargetScope.PRIVATE);
    private static final TargetPolicy LOOPBACK = new TargetPolicy(INTERFACES, RELAY_PORT, true, TargetScope.PUBLIC);
    private static final TargetPolicy OWN_BINDS =
            new TargetPolicy(INTERFACES, RELAY_PORT, true, TargetScope.OWN_BINDS_ONLY);

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1           | RFC 1918",
            "10.255.255.254     | RFC 1918",
            "172.16.0.1         | RFC 1918",
            "172.31.255.254     | RFC 1918",
            "192.168.1.1        | RFC 1918",
            "100.64.0.1         | carrier-grade NAT",
            "100.127.255.254    | carrier-grade NAT",
            "fc00::1            | unique local",
            "fd12:3456::1       | unique local",
            "fec0::1            | site-local",
            "0.0.0.0            | this network",
            "0.1.2.3            | this network",
            "::                 | this network",
            "127.0.0.1          | loopback",
            "127.1.2.3          | loopback",
            "::1                | loopback",
            "::127.0.0.1        | loopback",
            "::ffff:127.0.0.1   | loopback",
            "64:ff9b::7f00:1    | loopback",
            "64:ff9b::10.0.0.1  | RFC 1918",
            "64:ff9b:1::a00:1   | NAT64",
            "2002:7f00:1::1     | loopback",
            "2002:c0a8:101::1   | RFC 1918",
            "::ffff:192.168.0.1 | RFC 1918",
            "::10.1.2.3         | RFC 1918",
            "169.254.1.1        | link-local",
            "fe80::1            | link-local",
            "::ffff:169.254.1.1 | link-local",
            "224.0.0.1          | multicast",
            "239.255.80.76      | multicast",
            "ff02::1            | multicast",
            "64:ff9b::e000:1    | multicast",
            "255.255.255.255    | limited broadcast",
            "::ffff:255.255.255.255 | limited broadcast",
            "198.18.255.255     | broadcast address of one of the relay's subnets",
            "64:ff9b::c612:ffff | broadcast address of one of the relay's subnets",
            "240.0.0.1          | reserved",
            "192.0.0.8          | IETF protocol assignment",
            "2001::1            | IETF protocol assignment",
            "100::1             | discard-only",
    })
    void privateAndSpecialTargetsAreRefusedInEveryForm(String target, String reason) {
        assertThat(PUBLIC.refusal(target(target, 5000))).containsIgnoringCase(reason);
    }

    @ParameterizedTest(name = "{0} is public")
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
            "192.167.1.1", "11.0.0.1", "198.18.1.1", "198.19.255.254", "2606:4700::1111", "64:ff9b::808:808",
            "2002:808:808::1", "::ffff:8.8.4.4", "192.0.2.7", "203.0.113.9"})
    void publicUnicastTargetsPassIncludingTheNatLabsInternet(String target) {
        // 198.18.0.0/15 is the NAT lab's simulated internet (docs/NATLAB.md); documentation ranges stay usable for
        // test networks such as this machine's own 192.0.2.0/24
        assertThat(PUBLIC.refusal(target(target, 5000))).isNull();
    }

    @ParameterizedTest(name = "{0} passes with --allow-private-targets")
    @ValueSource(strings = {"10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "fd00::2", "::ffff:10.1.1.1",
            "64:ff9b::c0a8:101"})
    void allowPrivateTargetsLetsPrivateSpaceThrough(String target) {
        assertThat(PRIVATE.refusal(target(target, 5000))).isNull();
    }

    @ParameterizedTest(name = "{0} stays refused with --allow-private-targets")
    @ValueSource(strings = {"127.0.0.1", "::127.0.0.1", "198.18.255.255", "255.255.255.255", "169.254.0.1",
            "224.0.0.251", "0.0.0.0"})
    void allowPrivateTargetsNeverOpensLoopbackBroadcastOrLinkLocal(String target) {
        assertThat(PRIVATE.refusal(target(target, 5000))).isNotNull();
    }

    @Test
    void loopbackIsAllowedOnlyWhenAskedAndNeverTheRelaysOwnPort() {
        assertThat(LOOPBACK.refusal(target("127.0.0.1", 5000))).isNull();
        assertThat(LOOPBACK.refusal(target("::127.0.0.1", 5000))).isNull();
        assertThat(LOOPBACK.refusal(target("127.0.0.1", RELAY_PORT))).contains("own port");
        assertThat(LOOPBACK.refusal(target("64:ff9b::7f00:1", RELAY_PORT))).contains("own port");
        assertThat(LOOPBACK.refusal(target("10.0.0.1", 5000))).contains("RFC 1918");
    }

    @Test
    void theRelaysOwnAddressIsRefusedUnlessItsHostIsTheTestbed() {
        assertThat(PUBLIC.refusal(new InetSocketAddress(OWN, 5000))).contains("own addresses");
        assertThat(LOOPBACK.refusal(new InetSocketAddress(OWN, 5000))).isNull();
        assertThat(LOOPBACK.refusal(new InetSocketAddress(OWN, RELAY_PORT))).contains("own port");
    }

    @ParameterizedTest(name = "own binds only: {0} is refused")
    @ValueSource(strings = {"127.0.0.1", "8.8.8.8", "10.0.0.1", "2606:4700::1111", "198.18.1.1"})
    void anOwnBindsOnlyRelaySendsNowhere(String target) {
        assertThat(OWN_BINDS.refusal(target(target, 5000))).contains("own binds");
    }

    @Test
    void theSubnetBroadcastAddressesOfTheHostsInterfacesAreKnown() throws Exception {
        TargetPolicy.Interfaces local = TargetPolicy.localInterfaces();
        TargetPolicy policy = new TargetPolicy(local, RELAY_PORT, true, TargetScope.PRIVATE);
        for (InetAddress broadcast : local.broadcasts()) {
            assertThat(policy.refusal(new InetSocketAddress(broadcast, 5000))).as("%s", broadcast).contains("broadcast");
        }
    }

    @Test
    void relayBindSocketsHaveBroadcastOff() throws Exception {
        try (DatagramSocket plain = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramChannel relay = TunnelSockets.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThat(plain.getBroadcast()).as("Java's default").isTrue();
            assertThat(relay.getOption(StandardSocketOptions.SO_BROADCAST)).isFalse();
            assertThat(relay.isBlocking()).as("read by the relay's one selector").isFalse();
        }
    }

    private static InetSocketAddress target(String literal, int port) {
        return new InetSocketAddress(literal(literal), port);
    }

    private static InetAddress literal(String literal) {
        try {
            return InetAddress.getByName(literal.trim());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
