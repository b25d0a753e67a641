package io.punchline.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.wire.WireFormatException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** RFC 9001 sections 5.2-5.4 and appendix A, RFC 9000 sections 12.2, 17.2.2 and 19. */
class InitialPacketsTest {

    static final HexFormat HEX = HexFormat.of();

    /** RFC 9001 appendix A: the client's original Destination Connection ID. */
    static final byte[] RFC9001_DCID = HEX.parseHex("8394c8f03e515708");

    /** RFC 9001 appendix A.3: the server's Initial, protected, as sent (135 bytes). */
    static final byte[] RFC9001_A3_SERVER_INITIAL = HEX.parseHex(
            "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
                    + "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
                    + "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
                    + "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
                    + "2158407dd074ee");

    /** RFC 9001 appendix A.3: its frames, an ACK and a CRYPTO frame holding the ServerHello. */
    static final byte[] RFC9001_A3_PAYLOAD = HEX.parseHex(
            "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
                    + "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
                    + "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
                    + "020304");

    static final byte[] RFC9001_A3_SERVER_SCID = HEX.parseHex("f067a5502a4262b5");

    @Test
    void initialSecretsAndKeysFollowRfc9001AppendixA1() {
        assertThat(InitialKeys.initialSecret(RFC9001_DCID, "client in"))
                .isEqualTo(HEX.parseHex("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"));
        assertThat(InitialKeys.initialSecret(RFC9001_DCID, "server in"))
                .isEqualTo(HEX.parseHex("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b"));
        InitialKeys client = InitialKeys.client(RFC9001_DCID);
        assertThat(client.key()).isEqualTo(HEX.parseHex("1f369613dd76d5467730efcbe3b1a22d"));
        assertThat(client.iv()).isEqualTo(HEX.parseHex("fa044b2f42a3fd3b46fb255c"));
        assertThat(client.headerProtectionKey()).isEqualTo(HEX.parseHex("9f50449e04a0e810283a1e9933adedd2"));
        InitialKeys server = InitialKeys.server(RFC9001_DCID);
        assertThat(server.key()).isEqualTo(HEX.parseHex("cf3a5331653c364c88f0f379b6067e37"));
        assertThat(server.iv()).isEqualTo(HEX.parseHex("0ac1493ca1905853b0bba03e"));
        assertThat(server.headerProtectionKey()).isEqualTo(HEX.parseHex("c206b8d9b9f0f37644430b490eeaa314"));
    }

    @Test
    void serverInitialOfRfc9001AppendixA3DecryptsToItsAckAndCryptoFrames() throws Exception {
        InitialPacket packet = InitialPackets.openServerInitial(RFC9001_DCID, RFC9001_A3_SERVER_INITIAL);

        assertThat(packet.version()).isEqualTo(InitialPackets.QUIC_V1);
        assertThat(packet.destinationConnectionId()).isEmpty();
        assertThat(packet.sourceConnectionId()).isEqualTo(RFC9001_A3_SERVER_SCID);
        assertThat(packet.token()).isEmpty();
        assertThat(packet.packetNumber()).isEqualTo(1);
        assertThat(packet.payload()).isEqualTo(InitialFrames.parse(RFC9001_A3_PAYLOAD));
        assertThat(packet.payload().frames()).hasSize(2);
        assertThat(packet.payload().frames().get(0)).isEqualTo(new InitialFrame.Ack(0, 0,
                List.of(new InitialFrame.AckRange(0, 0)), Optional.empty()));
        InitialFrame.Crypto crypto = (InitialFrame.Crypto) packet.payload().frames().get(1);
        assertThat(crypto.offset()).isZero();
        assertThat(crypto.data()).hasSize(0x5a).startsWith(0x02, 0x00, 0x00, 0x56, 0x03, 0x03);
        assertThat(packet.payload().firstUnparsedFrameType()).isEmpty();
        assertThat(packet.payload().cryptoStreamPrefix()).isEqualTo(crypto.data());
    }

    @Test
    void theTestSealerReproducesRfc9001AppendixA3() {
        byte[] sealed = InitialPacketSealer.seal(InitialKeys.server(RFC9001_DCID), new byte[0], RFC9001_A3_SERVER_SCID,
                1, 2, RFC9001_A3_PAYLOAD);
        assertThat(sealed).isEqualTo(RFC9001_A3_SERVER_INITIAL);
    }

    @Test
    void initialKeysOfAnotherConnectionIdFailAuthentication() {
        byte[] otherDcid = RFC9001_DCID.clone();
        otherDcid[7] ^= 1;
        assertThatThrownBy(() -> InitialPackets.openServerInitial(otherDcid, RFC9001_A3_SERVER_INITIAL))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("authentication");
        assertThatThrownBy(() -> InitialPackets.open(RFC9001_A3_SERVER_INITIAL, InitialKeys.client(RFC9001_DCID)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("authentication");
    }

    @Test
    void coalescedPacketsBeforeAndAfterTheInitialAreSkipped() throws Exception {
        // RFC 9000 section 12.2: a Handshake packet (type 2) with a Length, then the Initial, then a short-header packet
        byte[] handshake = HEX.parseHex("e0000000010008f067a5502a4262b518" + "11".repeat(0x18));
        byte[] shortHeader = HEX.parseHex("40" + "22".repeat(30));
        byte[] datagram = InitialPacketSealer.concat(handshake, RFC9001_A3_SERVER_INITIAL, shortHeader);

        InitialPacket packet = InitialPackets.openServerInitial(RFC9001_DCID, datagram);

        assertThat(packet.packetNumber()).isEqualTo(1);
        assertThat(packet.payload()).isEqualTo(InitialFrames.parse(RFC9001_A3_PAYLOAD));
        assertThat(InitialPackets.firstInitialDestinationConnectionId(datagram)).hasValueSatisfying(
                dcid -> assertThat(dcid).isEmpty());
    }

    @Test
    void datagramsWithoutAVersion1InitialAreRejectedWithAReason() {
        byte[] version2 = RFC9001_A3_SERVER_INITIAL.clone();
        version2[4] = 2;
        assertThatThrownBy(() -> InitialPackets.openServerInitial(RFC9001_DCID, version2))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("not version 1");
        byte[] retry = HEX.parseHex("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba");
        assertThatThrownBy(() -> InitialPackets.openServerInitial(RFC9001_DCID, retry))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("Retry");
        assertThatThrownBy(() -> InitialPackets.openServerInitial(RFC9001_DCID, HEX.parseHex("4000")))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("short-header");
        byte[] truncated = java.util.Arrays.copyOf(RFC9001_A3_SERVER_INITIAL, 134);
        assertThatThrownBy(() -> InitialPackets.openServerInitial(RFC9001_DCID, truncated))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("announces");
        assertThat(InitialPackets.firstInitialDestinationConnectionId(retry)).isEmpty();
    }

    @Test
    void theClientsOriginalDestinationConnectionIdIsReadFromItsFirstDatagram() {
        byte[] clientInitial = InitialPacketSealer.seal(InitialKeys.client(RFC9001_DCID), RFC9001_DCID, new byte[0], 2,
                4, new byte[1162]);
        assertThat(InitialPackets.firstInitialDestinationConnectionId(clientInitial)).hasValue(RFC9001_DCID);
    }

    @Test
    void framesParseAckRangesEcnCountsPingPaddingAndStopAtOtherTypes() throws Exception {
        // ACK_ECN: largest 10, delay 3, 2 more ranges, first range 2 -> 8..10; gap 0, length 1 -> 5..6; gap 1, length 0 -> 2..2
        byte[] payload = HEX.parseHex("03" + "0a" + "03" + "02" + "02" + "0001" + "0100" + "070809"
                + "01" + "000000" + "06" + "05" + "03" + "aabbcc" + "1c" + "00");
        InitialFrames frames = InitialFrames.parse(payload);

        assertThat(frames.frames()).containsExactly(
                new InitialFrame.Ack(10, 3, List.of(new InitialFrame.AckRange(8, 10), new InitialFrame.AckRange(5, 6),
                        new InitialFrame.AckRange(2, 2)), Optional.of(new InitialFrame.EcnCounts(7, 8, 9))),
                new InitialFrame.Ping(),
                new InitialFrame.Padding(3),
                new InitialFrame.Crypto(5, HEX.parseHex("aabbcc")));
        assertThat(frames.firstUnparsedFrameType()).isEqualTo(OptionalLong.of(0x1c));
        assertThat(frames.cryptoStreamPrefix()).isEmpty();
    }

    @Test
    void malformedFramesAreRejectedWithAReason() {
        assertThatThrownBy(() -> InitialFrames.parse(HEX.parseHex("0205000006"))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("below packet number 0");
        assertThatThrownBy(() -> InitialFrames.parse(HEX.parseHex("020a0001080001"))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("below packet number 0");
        assertThatThrownBy(() -> InitialFrames.parse(HEX.parseHex("060004aabb"))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("announces 4 bytes");
        assertThatThrownBy(() -> InitialFrames.parse(HEX.parseHex("03000000"))).isInstanceOf(WireFormatException.class);
    }

    @Test
    void cryptoStreamPrefixJoinsFramesInAnyOrderUpToTheFirstGap() throws Exception {
        byte[] payload = InitialPacketSealer.concat(
                InitialPacketSealer.cryptoFrame(3, HEX.parseHex("03040506")),
                InitialPacketSealer.cryptoFrame(0, HEX.parseHex("000102")),
                InitialPacketSealer.cryptoFrame(5, HEX.parseHex("ffff07")),
                InitialPacketSealer.cryptoFrame(9, HEX.parseHex("09")));
        assertThat(InitialFrames.parse(payload).cryptoStreamPrefix()).isEqualTo(HEX.parseHex("0001020304050607"));
    }
}
