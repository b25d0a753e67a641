package io.punchline.masque;

import static io.punchline.masque.ContextRegistryTest.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.wire.WireFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** draft-ietf-masque-connect-udp-listen-13 "Proxy-Public-Address": SF List of quoted ip-port tuples. */
class ProxyPublicAddressTest {

    @Test
    void parsesTheDraftExample() throws Exception {
        assertThat(ProxyPublicAddress.parse("\"192.0.2.45:54321\", \"[2001:db8::1234]:54321\""))
                .containsExactly(address("192.0.2.45", 54321), address("2001:db8::1234", 54321));
    }

    @Test
    void formatsAQuotedListWithBracketedIpv6() {
        assertThat(ProxyPublicAddress.format(List.of(address("192.0.2.45", 54321), address("2001:db8::1234", 54321))))
                .isEqualTo("\"192.0.2.45:54321\", \"[2001:db8::1234]:54321\"");
    }

    @Test
    void fieldSplitOverSeveralLinesIsOneList() throws Exception {
        assertThat(ProxyPublicAddress.parse(List.of("\"192.0.2.45:1\"", " \"[::1]:2\"")))
                .containsExactly(address("192.0.2.45", 1), address("::1", 2));
    }

    @Test
    void memberParametersAreIgnored() throws Exception {
        assertThat(ProxyPublicAddress.parse("\"192.0.2.45:1\";x=1")).containsExactly(address("192.0.2.45", 1));
    }

    @Test
    void proxyMustAnnounceAtLeastOneAddress() {
        assertThatThrownBy(() -> ProxyPublicAddress.parse("")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> ProxyPublicAddress.format(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.45:54321", "\"192.0.2.45\"", "\"192.0.2.45:0\"", "\"192.0.2.45:65536\"",
            "\"192.0.2.45:+1\"", "\"2001:db8::1:443\"", "\"[192.0.2.45]:1\"", "\"example.com:443\"", "\"[::1]\"",
            "\"192.0.2.45:1\",", "(\"192.0.2.45:1\")", "\"[fe80::1%eth0]:1\"", "\"192.0.2.45:1\" \"192.0.2.45:2\"",
            "\"192.0.2.45: 1\"", ":AQ==:", "?1"})
    void membersThatAreNotQuotedIpPortTuplesAreRejected(String value) {
        assertThatThrownBy(() -> ProxyPublicAddress.parse(value)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void unquotedTokensOfDraft07AreRejected() {
        // up to -07 the members were unquoted; a Token is not a String
        assertThatThrownBy(() -> ProxyPublicAddress.parse("a192.0.2.45")).isInstanceOf(WireFormatException.class);
    }
}
