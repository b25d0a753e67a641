package io.punchline.portmap;

import io.punchline.wire.WireFormatException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import static io.punchline.testing.Hex.bytes;
import static io.punchline.testing.Hex.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6887 sections 7 and 11.1, byte by byte. */
class PcpCodecTest {

    static final PcpNonce NONCE = new PcpNonce(0x0102030405060708L, 0x090a0b0c);
    static final String NONCE_HEX = "0102030405060708090a0b0c";
    static final String CLIENT_HEX = "00000000000000000000ffffc0a80102"; // ::ffff:192.168.1.2

    @Test
    void aMapRequestIsHeaderAndMapDataWithIpv4MappedAddresses() throws Exception {
        PcpMapRequest request = new PcpMapRequest(7200, InetAddress.getByName("192.168.1.2"), NONCE, 17, 4433, 4433,
                InetAddress.getByName("0.0.0.0"));
        assertThat(of(request.encode())).isEqualTo(
                "02010000" + "00001c20" + CLIENT_HEX
                        + NONCE_HEX + "11000000" + "1151" + "1151" + "00000000000000000000ffff00000000");
        assertThat(request.encode()).hasSize(PcpMapRequest.LENGTH).hasSize(60);
    }

    static String answer(String resultCode, String lifetime, String port, String address) {
        return "02" + "81" + "00" + resultCode + lifetime + "000004d2" + "000000000000000000000000"
                + NONCE_HEX + "11000000" + "1151" + port + address;
    }

    @Test
    void aMapAnswerGivesTheAssignedAddressPortAndLifetime() throws Exception {
        PcpMapResponse response = PcpCodec.decode(ByteBuffer.wrap(bytes(
                answer("00", "00001c20", "ea60", "00000000000000000000ffffc6336407"))));
        assertThat(response.isSuccess()).isTrue();
        assertThat(response.lifetimeSeconds()).isEqualTo(7200);
        assertThat(response.epochSeconds()).isEqualTo(1234);
        assertThat(response.externalPort()).isEqualTo(60000);
        assertThat(response.external()).isEqualTo(InetAddress.getByName("198.51.100.7"));
        assertThat(response.nonce()).isEqualTo(NONCE);
    }

    @Test
    void anAnswerIsToTheRequestOnlyWithItsNonceProtocolAndInternalPort() throws Exception {
        PcpMapRequest request = new PcpMapRequest(7200, InetAddress.getByName("192.168.1.2"), NONCE, 17, 4433, 4433,
                InetAddress.getByName("0.0.0.0"));
        PcpMapResponse response = PcpCodec.decode(ByteBuffer.wrap(bytes(
                answer("00", "00001c20", "ea60", "00000000000000000000ffffc6336407"))));
        assertThat(response.answers(request)).isTrue();
        PcpMapRequest other = new PcpMapRequest(7200, InetAddress.getByName("192.168.1.2"), new PcpNonce(1, 2), 17, 4433,
                4433, InetAddress.getByName("0.0.0.0"));
        assertThat(response.answers(other)).isFalse();
    }

    @Test
    void optionsAfterTheMapDataAreSkippedWhole() throws Exception {
        // THIRD_PARTY-like option: code 1, reserved, length 16, 16 bytes
        String option = "01000010" + "00000000000000000000ffffc0a80103";
        PcpMapResponse response = PcpCodec.decode(ByteBuffer.wrap(bytes(
                answer("00", "00001c20", "ea60", "00000000000000000000ffffc6336407") + option)));
        assertThat(response.isSuccess()).isTrue();
    }

    @Test
    void anOptionLongerThanWhatIsLeftIsRefused() {
        String option = "01000020" + "00000000000000000000ffffc0a80103";
        assertThatThrownBy(() -> PcpCodec.decode(ByteBuffer.wrap(bytes(
                answer("00", "00001c20", "ea60", "00000000000000000000ffffc6336407") + option))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("option");
    }

    @Test
    void anErrorAnswerMayBeTheHeaderAlone() throws Exception {
        // section 7.2: UNSUPP_VERSION (1) with the header only
        PcpMapResponse response = PcpCodec.decode(ByteBuffer.wrap(bytes("0281000100000000000004d2000000000000000000000000")));
        assertThat(response.isSuccess()).isFalse();
        assertThat(response.resultCode()).isEqualTo(PcpCodec.UNSUPP_VERSION);
        assertThat(response.nonce()).isNull();
    }

    @Test
    void aRequestOrAnotherOpcodeIsNotAnAnswer() {
        String request = answer("00", "00001c20", "ea60", "00000000000000000000ffffc6336407").replaceFirst("^0281", "0201");
        assertThatThrownBy(() -> PcpCodec.decode(ByteBuffer.wrap(bytes(request)))).isInstanceOf(WireFormatException.class);
        String peer = answer("00", "00001c20", "ea60", "00000000000000000000ffffc6336407").replaceFirst("^0281", "0282");
        assertThatThrownBy(() -> PcpCodec.decode(ByteBuffer.wrap(bytes(peer)))).isInstanceOf(WireFormatException.class);
    }

    @Test
    void messagesThatAreNotAMultipleOf4OrOver1100BytesAreRefused() {
        assertThatThrownBy(() -> PcpCodec.decode(ByteBuffer.wrap(bytes(
                answer("00", "00001c20", "ea60", "00000000000000000000ffffc6336407") + "00"))))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> PcpCodec.decode(ByteBuffer.allocate(1104))).isInstanceOf(WireFormatException.class);
    }

    @Test
    void aSuccessWithPort0IsRefused() {
        assertThatThrownBy(() -> PcpCodec.decode(ByteBuffer.wrap(bytes(
                answer("00", "00001c20", "0000", "00000000000000000000ffffc6336407")))))
                .isInstanceOf(WireFormatException.class);
    }
}
