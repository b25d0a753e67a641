package io.punchline.masque;

import static io.punchline.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-exact capsules of draft-ietf-masque-connect-udp-listen-13 and RFC 9297 section 3.5. */
class CapsuleTest {

    static Capsule parseOne(String hex) throws MalformedCapsuleException {
        CapsuleParser parser = new CapsuleParser();
        List<Capsule> capsules = parser.feed(ByteBuffer.wrap(bytes(hex)));
        parser.finish();
        assertThat(capsules).hasSize(1);
        return capsules.get(0);
    }

    private static void assertEncodesTo(Capsule capsule, String hex) throws Exception {
        assertThat(capsule.toBytes()).isEqualTo(bytes(hex));
        assertThat(capsule.encodedLength()).isEqualTo(bytes(hex).length);
        assertThat(parseOne(hex)).isEqualTo(capsule);
    }

    @Test
    void uncompressedAssignForId2Is11020200() throws Exception {
        assertEncodesTo(CompressionAssign.uncompressed(2), "11 02 02 00");
    }

    @Test
    void ipv4AssignForId4Is110804040cb00710bea60() throws Exception {
        assertEncodesTo(new CompressionAssign(4, new InetSocketAddress(InetAddress.getByName("203.0.113.11"), 60000)),
                "11 08 04 04 cb 00 71 0b ea 60");
    }

    @Test
    void ipv6AssignHasLength20() throws Exception {
        assertEncodesTo(new CompressionAssign(4, new InetSocketAddress(InetAddress.getByName("2001:db8::1234"), 54321)),
                "11 14 04 06 20010db8000000000000000000001234 d431");
    }

    @Test
    void ackId2Is120102AndCloseId2Is130102() throws Exception {
        assertEncodesTo(new CompressionAck(2), "12 01 02");
        assertEncodesTo(new CompressionClose(2), "13 01 02");
    }

    @Test
    void datagramCapsuleIsType0LengthPayload() throws Exception {
        assertEncodesTo(new DatagramCapsule(bytes("02 04 c0000 22a c350 abcd")), "00 0a 02 04 c000022a c350 abcd");
        assertEncodesTo(new DatagramCapsule(new byte[0]), "00 00");
    }

    @Test
    void declaredLengthEqualsSerializedLength() throws Exception {
        for (Capsule c : List.of(CompressionAssign.uncompressed(1L << 40),
                new CompressionAssign(63, new InetSocketAddress(InetAddress.getByName("::1"), 1)),
                new CompressionAck(16384), new CompressionClose(494878333L), new DatagramCapsule(new byte[300]),
                new UnknownCapsule(0x17, 70))) {
            assertThat(c.toBytes()).hasSize(c.encodedLength());
        }
    }

    @Test
    void nonMinimalVarintsInCapsulesAreAccepted() throws Exception {
        assertThat(parseOne("4012 4001 02")).isEqualTo(new CompressionAck(2)); // type and length in 2 bytes
        assertThat(parseOne("12 02 4002")).isEqualTo(new CompressionAck(2)); // context ID in 2 bytes
    }

    @Test
    void assignedContextIdCanNeverBe0() {
        assertThatThrownBy(() -> parseOne("11 02 00 00")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parseOne("12 01 00")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> CompressionAssign.uncompressed(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeWithContextId0IsMalformed() {
        assertThatThrownBy(() -> parseOne("13 01 00")).isInstanceOf(MalformedCapsuleException.class)
                .hasMessageContaining("Context ID 0");
        assertThatThrownBy(() -> new CompressionClose(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipVersionNotIn0Or4Or6IsMalformed() {
        assertThatThrownBy(() -> parseOne("11 02 02 05")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parseOne("11 08 04 05 cb 00 71 0b ea 60")).isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void valueWithTrailingBytesIsMalformed() {
        assertThatThrownBy(() -> parseOne("11 03 02 00 00")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parseOne("11 09 04 04 cb 00 71 0b ea 60 00")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parseOne("12 02 02 00")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parseOne("13 02 02 00")).isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void valueWithMissingBytesIsMalformed() {
        assertThatThrownBy(() -> parseOne("11 01 02")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parseOne("11 07 04 04 cb 00 71 0b ea")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parseOne("12 00")).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parseOne("13 01 40")).isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void malformedCapsuleMapsToH3MessageError() {
        assertThat(new MalformedCapsuleException("x").errorCode()).isEqualTo(0x010e);
    }

    @Test
    void greaseTypesAreRecognised() {
        assertThat(new UnknownCapsule(0x17, 0).isGrease()).isTrue();
        assertThat(new UnknownCapsule(0x29 * 3 + 0x17, 0).isGrease()).isTrue();
        assertThat(new UnknownCapsule(0x18, 0).isGrease()).isFalse();
    }
}
