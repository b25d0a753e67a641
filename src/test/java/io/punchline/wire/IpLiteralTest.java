package io.punchline.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 3986 section 3.2.2 literals, RFC 5952 formatting. */
class IpLiteralTest {

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.45", "0.0.0.0", "255.255.255.255", "2001:db8::1234", "::", "::1", "1::",
            "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "64:ff9b::192.0.2.1", "FE80::A"})
    void acceptsLiterals(String text) throws Exception {
        assertThat(IpLiteral.parse(text)).isEqualTo(InetAddress.getByName(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1..2.3",
            "example.com", ":1", "1:", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "fe80::1%eth0",
            "[::1]", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "\uff11.2.3.4", "::\uff11"})
    void rejectsNonLiterals(String text) {
        assertThatThrownBy(() -> IpLiteral.parse(text)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void ipv4MappedLiteralStaysIpv6() throws Exception {
        assertThat(IpLiteral.parse("::ffff:192.0.2.1").getAddress())
                .isEqualTo(java.util.HexFormat.of().parseHex("00000000000000000000ffffc0000201"));
    }

    @Test
    void formatsIpv6InRfc5952Form() throws Exception {
        assertThat(IpLiteral.format(InetAddress.getByName("2001:0db8:0:0:0:0:0:1234"))).isEqualTo("2001:db8::1234");
        assertThat(IpLiteral.format(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(IpLiteral.format(InetAddress.getByName("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
        assertThat(IpLiteral.format(InetAddress.getByName("::"))).isEqualTo("::");
        assertThat(IpLiteral.format(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(IpLiteral.format(InetAddress.getByName("1::"))).isEqualTo("1::");
        assertThat(IpLiteral.formatForUri(InetAddress.getByName("2001:db8::1"))).isEqualTo("[2001:db8::1]");
        assertThat(IpLiteral.formatForUri(InetAddress.getByName("192.0.2.1"))).isEqualTo("192.0.2.1");
    }
}
