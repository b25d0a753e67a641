package io.punchline.nat;

import io.punchline.testing.Hex;
import static io.punchline.nat.Addresses.address;
import static io.punchline.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte-exact vectors worked out by hand from the frame layouts of draft-seemann-quic-nat-traversal-02 and
 * draft-ietf-quic-address-discovery-00: type as a minimal 4-byte varint (0x3d7e90 needs 22 bits, so prefix 0b10),
 * varint fields, address, port in network byte order.
 */
class TraversalMessageTest {

    record Vector(TraversalMessage message, String hex) {
        @Override
        public String toString() {
            return message.toString();
        }
    }

    static List<Vector> vectors() {
        return List.of(
                // the brief's example: seq 1, 192.0.2.1:4433 (0x1151)
                new Vector(new AddAddress(1, address("192.0.2.1", 4433)), "803d7e90 01 c0000201 1151"),
                // seq 64 needs a 2-byte varint 0x4040; IPv6 sets the type's low bit
                new Vector(new AddAddress(64, address("2001:db8::1", 443)),
                        "803d7e91 4040 20010db8000000000000000000000001 01bb"),
                new Vector(new PunchMeNow(1, 0, address("198.51.100.7", 50000)), "803d7e92 01 00 c6336407 c350"),
                new Vector(new PunchMeNow(2, 3, address("2001:db8::2", 1)),
                        "803d7e93 02 03 20010db8000000000000000000000002 0001"),
                // round 16384 is the first 4-byte varint; sequence 2^62-1 the largest 8-byte one
                new Vector(new PunchMeNow(16384, (1L << 62) - 1, address("0.0.0.0", 0)),
                        "803d7e92 80004000 ffffffffffffffff 00000000 0000"),
                new Vector(new RemoveAddress(5), "803d7e94 05"),
                new Vector(new RemoveAddress((1L << 62) - 1), "803d7e94 ffffffffffffffff"),
                new Vector(new ObservedAddress(0, address("203.0.113.5", 65535)), "809f81a6 00 cb007105 ffff"),
                // transport parameter layout: ID on 8 bytes (0x3d7e9f0bca12fea6 needs 62 bits), Length, Value
                new Vector(NatTraversalParameter.fromClient(), "fd7e9f0bca12fea6 00"),
                new Vector(NatTraversalParameter.fromServer(5), "fd7e9f0bca12fea6 01 05"),
                new Vector(NatTraversalParameter.fromServer(100), "fd7e9f0bca12fea6 02 4064"),
                new Vector(new ObservedAddress(300, address("::ffff:192.0.2.1", 8080)),
                        "809f81a7 412c 00000000000000000000ffffc0000201 1f90"));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encodesExactlyLikeTheDraftFrame(Vector v) {
        assertThat(Hex.of(TraversalCodec.encode(v.message()))).isEqualTo(v.hex().replace(" ", ""));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void declaredLengthEqualsSerializedLength(Vector v) {
        assertThat(v.message().encodedLength()).isEqualTo(bytes(v.hex()).length);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void decodesTheDraftBytesBack(Vector v) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(bytes(v.hex()));
        assertThat(TraversalCodec.decode(in)).isEqualTo(v.message());
        assertThat(in.hasRemaining()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void everyTruncationIsIncompleteNotAnError(Vector v) throws Exception {
        byte[] all = bytes(v.hex());
        for (int n = 0; n < all.length; n++) {
            ByteBuffer in = ByteBuffer.wrap(all, 0, n);
            assertThat(TraversalCodec.tryDecode(in)).as("first %d bytes", n).isNull();
            assertThat(in.position()).isZero();
            int cut = n;
            assertThatThrownBy(() -> TraversalCodec.decode(ByteBuffer.wrap(all, 0, cut)))
                    .isInstanceOf(TraversalProtocolException.class)
                    .extracting(e -> ((TraversalProtocolException) e).errorCode())
                    .isEqualTo(TraversalProtocolException.FRAME_ENCODING_ERROR);
        }
    }

    @Test
    void addressFamilyComesFromTheTypesLeastSignificantBit() throws Exception {
        assertThat(new AddAddress(0, address("192.0.2.1", 1)).type() & 1).isZero();
        assertThat(new AddAddress(0, address("2001:db8::1", 1)).type() & 1).isOne();
        // the same body bytes read with the IPv6 type need 12 more address bytes
        assertThat(TraversalCodec.tryDecode(ByteBuffer.wrap(bytes("803d7e91 01 c0000201 1151")))).isNull();
    }

    @Test
    void ipv4MappedIpv6AddressStaysIpv6() throws Exception {
        TraversalMessage decoded = TraversalCodec.decode(
                ByteBuffer.wrap(bytes("803d7e91 00 00000000000000000000ffffc0000201 0001")));
        assertThat(decoded.toBytes()).isEqualTo(bytes("803d7e91 00 00000000000000000000ffffc0000201 0001"));
    }

    @Test
    void nonMinimalFieldVarintsAreAccepted() throws Exception {
        // sequence 1 written on 8 bytes: only frame types must be minimal
        assertThat(TraversalCodec.decode(ByteBuffer.wrap(bytes("803d7e94 c000000000000001"))))
                .isEqualTo(new RemoveAddress(1));
    }

    @Test
    void typeMustUseItsShortestEncoding() {
        assertThatThrownBy(() -> TraversalCodec.tryDecode(ByteBuffer.wrap(bytes("c0000000003d7e94 01"))))
                .isInstanceOf(TraversalProtocolException.class)
                .hasMessageContaining("shortest")
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.FRAME_ENCODING_ERROR);
    }

    @Test
    void unknownTypeIsAFrameEncodingErrorAsSoonAsTheTypeIsRead() {
        for (String type : List.of("00", "1a", "803d7e95", "803d7e8f", "809f81a5", "809f81a8", "41ce")) {
            assertThatThrownBy(() -> TraversalCodec.tryDecode(ByteBuffer.wrap(bytes(type))))
                    .as(type)
                    .isInstanceOf(TraversalProtocolException.class)
                    .hasMessageContaining("unknown");
        }
    }

    @Test
    void serverParameterValueMustBeOneVarintAboveZero() throws Exception {
        for (String bad : List.of("fd7e9f0bca12fea6 01 00", "fd7e9f0bca12fea6 02 0505", "fd7e9f0bca12fea6 01 80",
                "fd7e9f0bca12fea6 09 000000000000000000")) {
            assertThatThrownBy(() -> TraversalCodec.decode(ByteBuffer.wrap(bytes(bad))))
                    .as(bad)
                    .isInstanceOf(TraversalProtocolException.class)
                    .extracting(e -> ((TraversalProtocolException) e).errorCode())
                    .isEqualTo(TraversalProtocolException.TRANSPORT_PARAMETER_ERROR);
        }
        // a Length of 2^62-1 fails as soon as it is read, before anything is buffered or allocated
        TraversalCodec codec = new TraversalCodec(TraversalRole.CLIENT);
        assertThatThrownBy(() -> codec.feed(ByteBuffer.wrap(bytes("fd7e9f0bca12fea6 ffffffffffffffff"))))
                .isInstanceOf(TraversalProtocolException.class)
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.TRANSPORT_PARAMETER_ERROR);
        // a non-minimal varint value is still one varint
        assertThat(TraversalCodec.decode(ByteBuffer.wrap(bytes("fd7e9f0bca12fea6 02 4005"))))
                .isEqualTo(NatTraversalParameter.fromServer(5));
        assertThatThrownBy(() -> NatTraversalParameter.fromServer(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fieldsOutsideTheirRangesCannotBeBuilt() {
        InetSocketAddress a = address("192.0.2.1", 1);
        assertThatThrownBy(() -> new AddAddress(-1, a)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RemoveAddress(1L << 62)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PunchMeNow(1, -5, a)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ObservedAddress(0, InetSocketAddress.createUnresolved("example.org", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AddAddress(0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scopedIpv6AddressesCannotBeSentBecauseTheFrameHasNoScope() throws Exception {
        InetSocketAddress scoped = new InetSocketAddress(
                java.net.Inet6Address.getByAddress(null, bytes("fe800000000000000000000000000001"), 3), 1);
        assertThatThrownBy(() -> new AddAddress(0, scoped)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIpv4MappedCandidateIsTakenAsTheIpv4AddressInsideSoAnIpv4PeerIsOneAddress() throws Exception {
        TraversalMessage add = TraversalCodec.decode(ByteBuffer.wrap(
                bytes("803d7e91 00 00000000000000000000ffffc0000201 1151".replace(" ", ""))));
        assertThat(TraversalMessage.unmapped(add)).isEqualTo(new AddAddress(0, address("192.0.2.1", 4433)));
        PunchMeNow punch = new PunchMeNow(1, 0, new InetSocketAddress(Inet6Address.getByAddress(null,
                bytes("00000000000000000000ffffc6336407"), -1), 50000));
        assertThat(TraversalMessage.unmapped(punch)).isEqualTo(new PunchMeNow(1, 0, address("198.51.100.7", 50000)));
        AddAddress v6 = new AddAddress(64, address("2001:db8::1", 443));
        assertThat(TraversalMessage.unmapped(v6)).isSameAs(v6);
    }
}
