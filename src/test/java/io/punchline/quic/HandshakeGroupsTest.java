package io.punchline.quic;

import static io.punchline.quic.InitialPacketsTest.HEX;
import static io.punchline.quic.InitialPacketsTest.RFC9001_A3_SERVER_INITIAL;
import static io.punchline.quic.InitialPacketsTest.RFC9001_DCID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.wire.WireFormatException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 8446 sections 4.1.3 and 4.2.8 (ServerHello key_share) read through RFC 9001's Initial packets. */
class HandshakeGroupsTest {

    private static final byte[] SERVER_CID = HEX.parseHex("5b3d9e0c77a1f2e4");
    private static final int MAX_DATAGRAM = 1200;

    @Test
    void theServerHelloOfRfc9001AppendixA3SelectsX25519() {
        assertThat(HandshakeGroups.fromServerInitial(RFC9001_DCID, RFC9001_A3_SERVER_INITIAL))
                .hasValue(TlsGroup.X25519);
        assertThat(TlsGroup.X25519.isPostQuantumHybrid()).isFalse();
    }

    @Test
    void aServerHelloWithKeyShare0x11ecIsX25519Mlkem768() throws Exception {
        byte[] serverHello = TestServerHellos.x25519Mlkem768ServerHello();

        TlsGroup group = HandshakeGroups.serverHelloGroup(serverHello);

        assertThat(group).isEqualTo(TlsGroup.X25519_MLKEM768);
        assertThat(group.codepoint()).isEqualTo(4588);
        assertThat(group.name()).isEqualTo("X25519MLKEM768");
        assertThat(group.hexCodepoint()).isEqualTo("0x11ec");
        assertThat(group.isPostQuantumHybrid()).isTrue();
    }

    @Test
    void aHybridServerHelloSplitOverTwoInitialsIsReadFromTheFirstDatagram() throws Exception {
        // about 1,180 bytes of ServerHello do not fit one 1,200-byte datagram beside the header, ACK and tag
        byte[] serverHello = TestServerHellos.x25519Mlkem768ServerHello();
        InitialKeys serverKeys = InitialKeys.server(RFC9001_DCID);
        byte[] clientCid = HEX.parseHex("c1e47a09");
        byte[] ack = HEX.parseHex("0200000000");
        int overhead = InitialPacketSealer.header(clientCid, SERVER_CID, 0, 4, 0).length + ack.length + 1 + 1 + 2 + 16;
        int firstPart = MAX_DATAGRAM - overhead;
        byte[] firstPayload = InitialPacketSealer.concat(ack,
                InitialPacketSealer.cryptoFrame(0, Arrays.copyOf(serverHello, firstPart)));
        byte[] firstDatagram = InitialPacketSealer.seal(serverKeys, clientCid, SERVER_CID, 0, 4, firstPayload);
        byte[] secondDatagram = InitialPacketSealer.seal(serverKeys, clientCid, SERVER_CID, 1, 4,
                InitialPacketSealer.cryptoFrame(firstPart, Arrays.copyOfRange(serverHello, firstPart, serverHello.length)));

        assertThat(firstDatagram).hasSize(MAX_DATAGRAM);
        assertThat(firstPart).isLessThan(serverHello.length);
        assertThat(HandshakeGroups.fromServerInitial(RFC9001_DCID, firstDatagram)).hasValue(TlsGroup.X25519_MLKEM768);
        assertThat(HandshakeGroups.fromServerInitial(RFC9001_DCID, secondDatagram)).isEmpty();
        assertThat(HandshakeGroups.fromServerInitial(HEX.parseHex("0011223344556677"), firstDatagram)).isEmpty();
    }

    @Test
    void keyShareIsFoundAfterOtherExtensions() throws Exception {
        byte[] serverHello = TestServerHellos.serverHello(TestServerHellos.randomBytes(3),
                TestServerHellos.supportedVersionsTls13(), TestServerHellos.keyShare(0x0017, 65, 4));
        assertThat(HandshakeGroups.serverHelloGroup(serverHello)).isEqualTo(TlsGroup.SECP256R1);
    }

    @Test
    void aHelloRetryRequestNamesTheGroupTheClientMustRetryWith() throws Exception {
        assertThat(TestServerHellos.helloRetryRequestRandom()).isEqualTo(HEX.parseHex(
                "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")); // RFC 8446 section 4.1.3
        byte[] helloRetryRequest = TestServerHellos.serverHello(TestServerHellos.helloRetryRequestRandom(),
                TestServerHellos.supportedVersionsTls13(), TestServerHellos.extension(0x0033, HEX.parseHex("11ec")));
        assertThat(HandshakeGroups.serverHelloGroup(helloRetryRequest)).isEqualTo(TlsGroup.X25519_MLKEM768);
        byte[] serverHelloWithBareGroup = TestServerHellos.serverHello(TestServerHellos.randomBytes(5),
                TestServerHellos.extension(0x0033, HEX.parseHex("11ec")));
        assertThatThrownBy(() -> HandshakeGroups.serverHelloGroup(serverHelloWithBareGroup))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("holds no key");
    }

    @Test
    void unknownCodepointsAreNamedInHex() throws Exception {
        byte[] serverHello = TestServerHellos.serverHello(TestServerHellos.randomBytes(6),
                TestServerHellos.keyShare(0x0a0a, 1, 7));
        TlsGroup group = HandshakeGroups.serverHelloGroup(serverHello);
        assertThat(group).isEqualTo(new TlsGroup(0x0a0a, "0x0a0a"));
        assertThat(group.isPostQuantumHybrid()).isFalse();
        assertThat(TlsGroup.of(0x6399).name()).isEqualTo("X25519Kyber768Draft00");
        assertThat(TlsGroup.of(0x11eb).name()).isEqualTo("SecP256r1MLKEM768");
        assertThat(TlsGroup.of(0x0018).name()).isEqualTo("secp384r1");
    }

    @Test
    void whatIsNotAServerHelloWithAKeyShareGroupIsRejectedWithAReason() {
        byte[] pskOnly = TestServerHellos.serverHello(TestServerHellos.randomBytes(8),
                TestServerHellos.supportedVersionsTls13(), TestServerHellos.extension(0x0029, HEX.parseHex("0000")));
        assertThatThrownBy(() -> HandshakeGroups.serverHelloGroup(pskOnly))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("no key_share");
        byte[] cutBeforeTheGroup = Arrays.copyOf(TestServerHellos.x25519Mlkem768ServerHello(), 4 + 2 + 32 + 1 + 3 + 2 + 5);
        assertThatThrownBy(() -> HandshakeGroups.serverHelloGroup(cutBeforeTheGroup))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("cut inside its key_share group");
        byte[] clientHello = TestServerHellos.x25519Mlkem768ServerHello();
        clientHello[0] = 1;
        assertThatThrownBy(() -> HandshakeGroups.serverHelloGroup(clientHello))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("not a ServerHello");
        byte[] wrongKeyLength = TestServerHellos.serverHello(TestServerHellos.randomBytes(9),
                TestServerHellos.extension(0x0033, HEX.parseHex("001d0021" + "00".repeat(32))));
        assertThatThrownBy(() -> HandshakeGroups.serverHelloGroup(wrongKeyLength))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("announces a key of 33");
    }
}
