package io.punchline.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Address layout of draft-ietf-masque-connect-udp-listen-13 (COMPRESSION_ASSIGN, uncompressed payload). */
class IpAddressCodecTest {

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static byte[] versioned(InetSocketAddress address) {
        ByteBuffer out = ByteBuffer.allocate(IpAddressCodec.versionedLength(address));
        IpAddressCodec.writeVersioned(address, out);
        assertThat(out.hasRemaining()).isFalse();
        return out.array();
    }

    @Test
    void ipv4IsVersion4ThenFourBytesThenBigEndianPort() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("203.0.113.11"), 60000);
        assertThat(versioned(a)).isEqualTo(hex("04 cb00710b ea60"));
        assertThat(IpAddressCodec.readVersioned(ByteBuffer.wrap(hex("04 cb00710b ea60")))).isEqualTo(a);
    }

    @Test
    void ipv6IsVersion6ThenSixteenBytesThenPort() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443);
        byte[] expected = hex("06 20010db8000000000000000000000001 01bb");
        assertThat(versioned(a)).isEqualTo(expected);
        assertThat(IpAddressCodec.readVersioned(ByteBuffer.wrap(expected))).isEqualTo(a);
    }

    @Test
    void versionZeroCarriesNoAddress() throws Exception {
        assertThat(versioned(null)).isEqualTo(hex("00"));
        ByteBuffer in = ByteBuffer.wrap(hex("00 ff"));
        assertThat(IpAddressCodec.readVersioned(in)).isNull();
        assertThat(in.remaining()).isEqualTo(1);
    }

    @Test
    void ipVersionOtherThan0Or4Or6IsMalformed() {
        for (int v : new int[] {1, 2, 3, 5, 7, 41, 255}) {
            assertThatThrownBy(() -> IpAddressCodec.readVersioned(ByteBuffer.wrap(new byte[] {(byte) v, 1, 2, 3, 4, 5, 6})))
                    .isInstanceOf(WireFormatException.class);
        }
    }

    @Test
    void truncatedAddressOrPortIsMalformed() {
        assertThatThrownBy(() -> IpAddressCodec.readVersioned(ByteBuffer.wrap(hex("04 cb00710b ea"))))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> IpAddressCodec.readVersioned(ByteBuffer.wrap(hex("06 20010db8"))))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> IpAddressCodec.readVersioned(ByteBuffer.allocate(0)))
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void ipv4MappedIpv6StaysIpv6SoBytesRoundTrip() throws Exception {
        byte[] wire = hex("06 00000000000000000000ffffc0000201 0050");
        InetSocketAddress a = IpAddressCodec.readVersioned(ByteBuffer.wrap(wire));
        assertThat(a.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(versioned(a)).isEqualTo(wire);
    }

    @Test
    void anIpv4MappedAddressUnmapsToTheIpv4AddressInsideItSoAnIpv4PeerIsOneAddress() throws Exception {
        InetSocketAddress mapped = IpAddressCodec.readVersioned(
                ByteBuffer.wrap(hex("06 00000000000000000000ffffc0000201 0050")));
        InetSocketAddress plain = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 80);
        assertThat(mapped).isNotEqualTo(plain);
        assertThat(IpAddressCodec.unmapped(mapped)).isEqualTo(plain);
        assertThat(IpAddressCodec.unmapped(plain)).isSameAs(plain);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::ffff:c000:201"), 80);
        assertThat(IpAddressCodec.unmapped(v6)).isSameAs(v6);
        InetSocketAddress compatible = new InetSocketAddress(IpAddressCodec.toInetAddress(hex("000000000000000000000000c0000201")), 80);
        assertThat(IpAddressCodec.unmapped(compatible)).isSameAs(compatible);
    }

    @Test
    void aScopeIdOfZeroIsDroppedSoTheAddressPrintsWithoutPercentZeroAndARealZoneIsKept() throws Exception {
        byte[] bytes = InetAddress.getByName("2001:db8::2").getAddress();
        InetSocketAddress fromSocket = new InetSocketAddress(Inet6Address.getByAddress(null, bytes, 0), 4433);
        assertThat(fromSocket.toString()).as("what a socket reports").contains("%0");
        InetSocketAddress plain = IpAddressCodec.withoutZeroScope(fromSocket);
        assertThat(plain.toString()).doesNotContain("%").isEqualTo("/[2001:db8:0:0:0:0:0:2]:4433");
        assertThat(plain).isEqualTo(fromSocket);
        assertThat(IpAddressCodec.withoutZeroScope(plain)).isSameAs(plain);
        InetSocketAddress zoned = new InetSocketAddress(Inet6Address.getByAddress(null,
                InetAddress.getByName("fe80::1").getAddress(), 3), 4433);
        assertThat(IpAddressCodec.withoutZeroScope(zoned)).isSameAs(zoned);
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 80);
        assertThat(IpAddressCodec.withoutZeroScope(v4)).isSameAs(v4);
        assertThat(IpAddressCodec.withoutZeroScope(null)).isNull();
    }

    @Test
    void arrayWriterMatchesBufferWriter() throws Exception {
        for (String ip : new String[] {"192.0.2.42", "2001:db8::1234"}) {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(ip), 50000);
            byte[] out = new byte[IpAddressCodec.versionedLength(a)];
            assertThat(IpAddressCodec.writeVersioned(a, out, 0)).isEqualTo(out.length);
            assertThat(out).isEqualTo(versioned(a));
        }
    }

    @Test
    void unresolvedAddressCannotBeEncoded() {
        assertThatThrownBy(() -> versioned(InetSocketAddress.createUnresolved("example.com", 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
