package io.punchline.portmap;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The default route's next hop from Linux's /proc/net/route (hexadecimal, little-endian). */
class DefaultGatewayTest {

    static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

    @Test
    void theDefaultRoutesGatewayIsRead() throws Exception {
        String table = HEADER
                + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
        assertThat(DefaultGateway.parse(table).orElseThrow()).isEqualTo(InetAddress.getByName("192.168.1.1"));
    }

    @Test
    void theLowestMetricWins() throws Exception {
        String table = HEADER
                + "wlan0\t00000000\t0100000A\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
                + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
        assertThat(DefaultGateway.parse(table).orElseThrow()).isEqualTo(InetAddress.getByName("192.168.1.1"));
    }

    @Test
    void aRouteThatIsDownOrHasNoGatewayIsNotTheDefault() {
        String table = HEADER
                + "eth0\t00000000\t0101A8C0\t0002\t0\t0\t100\t00000000\t0\t0\t0\n"
                + "tun0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n"
                + "garbage line\n";
        assertThat(DefaultGateway.parse(table)).isEmpty();
    }
}
