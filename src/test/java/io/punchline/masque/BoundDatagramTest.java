package io.punchline.masque;

import static io.punchline.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.wire.WireFormatException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** RFC 9297 section 2.1 and draft-ietf-masque-connect-udp-listen-13 "HTTP Datagram Payload Formats". */
class BoundDatagramTest {

    private static final byte[] UDP = bytes("cafe");

    @Test
    void uncompressedDatagramOnStream44MatchesTheReferenceExample() throws Exception {
        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("192.0.2.42"), 50000);
        byte[] frame = UncompressedPayload.toDatagram(HttpDatagram.quarterStreamIdOf(44), 2, from, UDP, 0, UDP.length);
        assertThat(frame).isEqualTo(bytes("0b 02 04 c000022a c350 cafe"));

        ByteBuffer in = ByteBuffer.wrap(frame);
        assertThat(HttpDatagram.decodeQuarterStreamId(in)).isEqualTo(11);
        long contextId = BoundPayloads.decodeContextId(in);
        assertThat(UncompressedPayload.decodeAfterContextId(contextId, in))
                .isEqualTo(new UncompressedPayload(2, from, UDP));
    }

    @Test
    void compressedDatagramIsContextIdThenBarePayload() throws Exception {
        byte[] frame = CompressedPayload.toDatagram(11, 4, UDP, 0, UDP.length);
        assertThat(frame).isEqualTo(bytes("0b 04 cafe"));
        ByteBuffer in = ByteBuffer.wrap(frame);
        HttpDatagram.decodeQuarterStreamId(in);
        long contextId = BoundPayloads.decodeContextId(in);
        assertThat(CompressedPayload.decodeAfterContextId(contextId, in)).isEqualTo(new CompressedPayload(4, UDP));
    }

    @Test
    void contextZeroCarriesAPlainRfc9298Payload() throws Exception {
        assertThat(CompressedPayload.toDatagram(0, 0, UDP, 0, UDP.length)).isEqualTo(bytes("00 00 cafe"));
    }

    @Test
    void payloadEncodersAgreeWithTheDatagramFastPath() throws Exception {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443);
        UncompressedPayload u = new UncompressedPayload(2, to, UDP);
        ByteBuffer out = ByteBuffer.allocate(u.encodedLength());
        u.encode(out);
        assertThat(new HttpDatagram(7, out.array()).toBytes()).isEqualTo(
                UncompressedPayload.toDatagram(7, 2, to, UDP, 0, UDP.length));
        CompressedPayload c = new CompressedPayload(1L << 20, UDP);
        ByteBuffer out2 = ByteBuffer.allocate(c.encodedLength());
        c.encode(out2);
        assertThat(new HttpDatagram(7, out2.array()).toBytes()).isEqualTo(
                CompressedPayload.toDatagram(7, 1L << 20, UDP, 0, UDP.length));
    }

    @Test
    void quarterStreamIdAbove2To60Minus1IsAnH3DatagramError() throws Exception {
        assertThatThrownBy(() -> HttpDatagram.decode(bytes("d000000000000000 00")))
                .isInstanceOfSatisfying(HttpDatagramException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(0x33));
        assertThat(HttpDatagram.decode(bytes("cfffffffffffffff 00")).quarterStreamId()).isEqualTo((1L << 60) - 1);
    }

    @Test
    void frameTooShortForAQuarterStreamIdIsAnH3DatagramError() {
        assertThatThrownBy(() -> HttpDatagram.decode(new byte[0])).isInstanceOf(HttpDatagramException.class);
        assertThatThrownBy(() -> HttpDatagram.decode(bytes("4b"))).isInstanceOf(HttpDatagramException.class);
    }

    @Test
    void httpDatagramRoundTrips() throws Exception {
        HttpDatagram d = new HttpDatagram(11, bytes("0204"));
        assertThat(HttpDatagram.decode(d.toBytes())).isEqualTo(d);
        assertThat(d.encodedLength()).isEqualTo(d.toBytes().length);
    }

    @Test
    void uncompressedIpVersionMustBe4Or6() {
        for (String rest : new String[] {"00", "05 c000022a c350", "", "04 c000022a c3"}) {
            assertThatThrownBy(() -> UncompressedPayload.decodeAfterContextId(2, ByteBuffer.wrap(bytes(rest))))
                    .as(rest).isInstanceOf(WireFormatException.class);
        }
    }

    @Test
    void udpPayloadAbove65527BytesIsRejected() {
        assertThatThrownBy(() -> CompressedPayload.decodeAfterContextId(0, ByteBuffer.allocate(65_528)))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> new CompressedPayload(0, new byte[65_528])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quarterStreamIdIsRequestStreamIdDividedBy4() {
        assertThat(HttpDatagram.quarterStreamIdOf(0)).isZero();
        assertThat(HttpDatagram.quarterStreamIdOf(44)).isEqualTo(11);
        assertThatThrownBy(() -> HttpDatagram.quarterStreamIdOf(2)).isInstanceOf(IllegalArgumentException.class);
    }
}
