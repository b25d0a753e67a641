package io.punchline.portmap;

import io.punchline.wire.WireFormatException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import static io.punchline.testing.Hex.bytes;
import static io.punchline.testing.Hex.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6886 sections 3.2 to 3.5, byte by byte. */
class NatPmpCodecTest {

    @Test
    void thePublicAddressRequestIsVersion0Opcode0() {
        assertThat(of(NatPmpCodec.addressRequest())).isEqualTo("0000");
    }

    @Test
    void aUdpMappingRequestCarriesInternalPortSuggestedPortAndLifetime() {
        // Vers 0, OP 1, reserved, internal 4433 (0x1151), suggested 4433, lifetime 7200 (0x1c20)
        assertThat(of(new NatPmpMapRequest(4433, 4433, 7200).encode())).isEqualTo("00010000115111510000" + "1c20");
    }

    @Test
    void aDeletionHasLifetime0AndSuggestedPort0() {
        assertThat(of(NatPmpMapRequest.delete(4433).encode())).isEqualTo("000100001151000000000000");
    }

    @Test
    void thePublicAddressAnswerGivesTheAddressAndEpoch() throws Exception {
        // as miniupnpd answers: Vers 0, OP 128, result 0, epoch 1234, 198.51.100.7
        NatPmpAddressResponse answer = NatPmpCodec.decodeAddressResponse(ByteBuffer.wrap(bytes("0080 0000 000004d2 c6336407")));
        assertThat(answer.isSuccess()).isTrue();
        assertThat(answer.epochSeconds()).isEqualTo(1234);
        assertThat(answer.external()).isEqualTo(InetAddress.getByName("198.51.100.7"));
    }

    @Test
    void aMappingAnswerGivesTheMappedPortAndLifetime() throws Exception {
        NatPmpMapResponse answer = NatPmpCodec.decodeMapResponse(ByteBuffer.wrap(bytes("0081 0000 000004d2 1151 ea60 00001c20")));
        assertThat(answer).isEqualTo(new NatPmpMapResponse(0, 1234, 4433, 60000, 7200));
        assertThat(answer.isSuccess()).isTrue();
    }

    @Test
    void aRefusalCarriesItsResultCodeAndNoMapping() throws Exception {
        // result 2: not authorized / refused (the user turned NAT-PMP off)
        NatPmpMapResponse answer = NatPmpCodec.decodeMapResponse(ByteBuffer.wrap(bytes("0081 0002 000004d2 1151 0000 00000000")));
        assertThat(answer.isSuccess()).isFalse();
        assertThat(answer.resultCode()).isEqualTo(2);
        assertThat(answer.externalPort()).isZero();
    }

    @Test
    void anAnswerWithAnotherVersionOrOpcodeIsRefused() {
        assertThatThrownBy(() -> NatPmpCodec.decodeMapResponse(ByteBuffer.wrap(bytes("0281 0000 000004d2 1151 ea60 00001c20"))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> NatPmpCodec.decodeMapResponse(ByteBuffer.wrap(bytes("0082 0000 000004d2 1151 ea60 00001c20"))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("opcode");
    }

    @Test
    void truncatedAndOverlongAnswersAreRefused() {
        assertThatThrownBy(() -> NatPmpCodec.decodeMapResponse(ByteBuffer.wrap(bytes("0081 0000 000004d2 1151 ea60 0000"))))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> NatPmpCodec.decodeMapResponse(ByteBuffer.wrap(bytes("0081 0000 000004d2 1151 ea60 00001c20 00"))))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> NatPmpCodec.decodeAddressResponse(ByteBuffer.wrap(bytes("0080 0000 000004d2 c633"))))
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void aSuccessfulMappingToPort0IsRefused() {
        assertThatThrownBy(() -> NatPmpCodec.decodeMapResponse(ByteBuffer.wrap(bytes("0081 0000 000004d2 1151 0000 00001c20"))))
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void aNatPmpGatewaysAnswerToPcpSaysUnsupportedVersion() {
        // RFC 6887 section 9: a NAT-PMP server answers a version-2 request with version 0, result 1
        assertThat(NatPmpCodec.isUnsupportedVersion(ByteBuffer.wrap(bytes("0081 0001 000004d2")))).isTrue();
        assertThat(NatPmpCodec.isUnsupportedVersion(ByteBuffer.wrap(bytes("0281 0001 000004d2")))).isFalse();
    }
}
