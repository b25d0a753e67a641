package io.punchline.masque;

import static io.punchline.masque.ContextRegistryTest.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.wire.WireFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9298 section 3 default template and the bind form of draft-ietf-masque-connect-udp-listen-13. */
class UdpProxyingPathTest {

    @Test
    void bothVariablesPercentEncodedStarMeanBindAny() throws Exception {
        assertThat(UdpProxyingPath.parse("/.well-known/masque/udp/%2A/%2A/")).isEqualTo(UdpTarget.BIND_ANY);
        assertThat(UdpProxyingPath.parse("/.well-known/masque/udp/%2a/%2a/").isBindAny()).isTrue();
        assertThat(UdpProxyingPath.parse("/.well-known/masque/udp/*/*/").isBindAny()).isTrue();
    }

    @Test
    void clientBuildsBindAnyPathWithEncodedStars() {
        assertThat(UdpProxyingPath.bindAny()).isEqualTo("/.well-known/masque/udp/%2A/%2A/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/.well-known/masque/udp/%2A/443/", "/.well-known/masque/udp/192.0.2.1/%2A/",
            "/.well-known/masque/udp/*/443/"})
    void onlyOneVariableStarIsMalformed(String path) {
        assertThatThrownBy(() -> UdpProxyingPath.parse(path)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("only one");
    }

    @Test
    void ipv6TargetHasPercentEncodedColons() throws Exception {
        assertThat(UdpProxyingPath.parse("/.well-known/masque/udp/2001%3Adb8%3A%3A42/443/"))
                .isEqualTo(new UdpTarget("2001:db8::42", 443));
        assertThat(UdpProxyingPath.forTarget(address("2001:db8::42", 443)))
                .isEqualTo("/.well-known/masque/udp/2001%3Adb8%3A%3A42/443/");
    }

    @Test
    void ipv4AndDnsTargets() throws Exception {
        assertThat(UdpProxyingPath.parse("/.well-known/masque/udp/192.0.2.6/443/"))
                .isEqualTo(new UdpTarget("192.0.2.6", 443));
        assertThat(UdpProxyingPath.parse("/.well-known/masque/udp/example.com/53/"))
                .isEqualTo(new UdpTarget("example.com", 53));
        assertThat(UdpProxyingPath.forTarget("example.com", 53)).isEqualTo("/.well-known/masque/udp/example.com/53/");
    }

    @Test
    void percentEncodedUnreservedCharactersAreEquivalent() throws Exception {
        assertThat(UdpProxyingPath.parse("/.well-known/masque/udp/%65xample.com/4%343/"))
                .isEqualTo(new UdpTarget("example.com", 443));
    }

    @Test
    void builtPathsParseBack() throws Exception {
        for (String host : new String[] {"192.0.2.1", "::1", "fe80::1:2", "a-b.example", "x"}) {
            assertThat(UdpProxyingPath.parse(UdpProxyingPath.forTarget(host, 65535)))
                    .isEqualTo(new UdpTarget(host, 65535));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/.well-known/masque/udp//443/", "/.well-known/masque/udp/example.com//",
            "/.well-known/masque/udp/example.com/0/", "/.well-known/masque/udp/example.com/65536/",
            "/.well-known/masque/udp/example.com/-1/", "/.well-known/masque/udp/example.com/443",
            "/.well-known/masque/udp/example.com/443/x/", "/.well-known/masque/udp/example.com/443/?a=b",
            "/.well-known/masque/udp/ex%2Fample/443/", "/.well-known/masque/udp/ex%zzample/443/",
            "/.well-known/masque/udp/ex%2/443/", "/.well-known/masque/udp/fe80%3A%3A1%25eth0/443/",
            "/.well-known/masque/udp/-bad.example/443/", "/.well-known/masque/udp/a..b/443/",
            "/.well-known/masque/udp/%00/443/", "/.well-known/masque/udp/h\u00e9/443/",
            "/other/example.com/443/"})
    void malformedPathsAreRejected(String path) {
        assertThatThrownBy(() -> UdpProxyingPath.parse(path)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void forTargetRejectsInvalidTargets() {
        assertThatThrownBy(() -> UdpProxyingPath.forTarget("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UdpProxyingPath.forTarget("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
