package io.punchline.nat;

import io.punchline.testing.Hex;
import static io.punchline.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.nat.PathProbe.Kind;
import io.punchline.nat.ProbeVerdict.Rejection;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Punchline path probes: RFC 9000 section 8.2 semantics, HMAC-SHA-256 authentication, the demultiplexing bit. */
class PathProbeTest {

    static final byte[] KEY = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final long SESSION = 0x0102030405060708L;
    static final long DATA = 0x1122334455667788L;

    private static ProbeVerdict decode(byte[] datagram) {
        return PathProbe.decode(ByteBuffer.wrap(datagram), KEY);
    }

    private static Rejection rejection(byte[] datagram) {
        return ((ProbeVerdict.Rejected) decode(datagram)).reason();
    }

    @Test
    void challengeHasTheDocumentedLayoutAndAKnownAnswerMac() {
        byte[] datagram = new PathProbe(Kind.CHALLENGE, SESSION, DATA).encode(KEY);
        // HMAC-SHA-256(key 00..1f, 01 0102030405060708 1122334455667788), first 16 bytes, computed independently
        assertThat(Hex.of(Arrays.copyOf(datagram, PathProbe.UNPADDED_LENGTH)))
                .isEqualTo("01" + "0102030405060708" + "1122334455667788" + "22de5aac1415dafb37d429fed84c0c90");
        assertThat(datagram).hasSize(1200);
        for (int i = PathProbe.UNPADDED_LENGTH; i < datagram.length; i++) {
            assertThat(datagram[i]).as("padding byte %d", i).isZero();
        }
    }

    @Test
    void responseAndKeepaliveKnownAnswers() {
        assertThat(Hex.of(Arrays.copyOfRange(new PathProbe(Kind.RESPONSE, SESSION, DATA).encode(KEY), 17, 33)))
                .isEqualTo("81a9dc92d9b21c6f69892b14803f5115");
        byte[] keepalive = new PathProbe(Kind.KEEPALIVE, SESSION, DATA).encode(KEY);
        assertThat(keepalive).hasSize(33);
        assertThat(Hex.of(Arrays.copyOfRange(keepalive, 17, 33))).isEqualTo("068b0f79824f774a19d537d1893848f6");
    }

    @Test
    void everyTypeHasTheQuicFixedBitClear() {
        for (Kind kind : Kind.values()) {
            byte first = new PathProbe(kind, SESSION, DATA).encode(KEY)[0];
            assertThat(first & 0x40).as(kind.name()).isZero();
            assertThat(PathProbe.isProbe(first)).isTrue();
        }
        // a QUIC short header (0x40 | ...) and long header (0xc0 | ...) go to QUIC
        assertThat(PathProbe.isProbe((byte) 0x41)).isFalse();
        assertThat(PathProbe.isProbe((byte) 0xc3)).isFalse();
    }

    @Test
    void roundTripsEveryKind() {
        for (Kind kind : Kind.values()) {
            PathProbe probe = new PathProbe(kind, SESSION, DATA);
            assertThat(decode(probe.encode(KEY))).isEqualTo(new ProbeVerdict.Accepted(probe));
        }
    }

    @Test
    void responseEchoesTheChallengeDataToThePeersSessionId() {
        PathProbe challenge = PathProbe.challenge(SESSION, new SecureRandom());
        PathProbe response = challenge.answer(0x0a0b0c0d0e0f1011L);
        assertThat(response.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(response.data()).isEqualTo(challenge.data());
        assertThat(response.sessionId()).isEqualTo(0x0a0b0c0d0e0f1011L);
        assertThat(PathProbe.keepalive(SESSION, new SecureRandom()).answer(1).kind()).isEqualTo(Kind.KEEPALIVE_ACK);
        assertThatThrownBy(() -> response.answer(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void challengeDataIsUnpredictable() {
        SecureRandom random = new SecureRandom();
        assertThat(PathProbe.challenge(SESSION, random).data()).isNotEqualTo(PathProbe.challenge(SESSION, random).data());
        assertThat(new PathProbe(Kind.CHALLENGE, SESSION, DATA).dataBytes()).isEqualTo(bytes("1122334455667788"));
    }

    @Test
    void wrongKeyIsABadMac() {
        byte[] other = KEY.clone();
        other[31] ^= 1;
        byte[] datagram = new PathProbe(Kind.CHALLENGE, SESSION, DATA).encode(other);
        assertThat(rejection(datagram)).isEqualTo(Rejection.BAD_MAC);
    }

    @Test
    void anyFlippedBitInTypeSessionDataOrMacIsRejected() {
        byte[] good = new PathProbe(Kind.CHALLENGE, SESSION, DATA).encode(KEY);
        for (int bit = 0; bit < PathProbe.UNPADDED_LENGTH * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            assertThat(decode(bad)).as("bit %d", bit).isInstanceOf(ProbeVerdict.Rejected.class);
        }
    }

    @Test
    void paddingIsNotAuthenticatedAndIgnored() {
        byte[] datagram = new PathProbe(Kind.RESPONSE, SESSION, DATA).encode(KEY);
        datagram[1000] = 0x55;
        assertThat(decode(datagram)).isInstanceOf(ProbeVerdict.Accepted.class);
    }

    @Test
    void challengeOrResponseUnder1200BytesIsRejectedAsNotPadded() {
        for (Kind kind : new Kind[] {Kind.CHALLENGE, Kind.RESPONSE}) {
            byte[] full = new PathProbe(kind, SESSION, DATA).encode(KEY);
            assertThat(rejection(Arrays.copyOf(full, 1199))).isEqualTo(Rejection.NOT_PADDED);
            assertThat(rejection(Arrays.copyOf(full, 33))).isEqualTo(Rejection.NOT_PADDED);
            assertThat(decode(Arrays.copyOf(full, 1500))).isInstanceOf(ProbeVerdict.Accepted.class);
        }
    }

    @Test
    void keepalivesMayBeSmallButNotShorterThanTheirMac() {
        byte[] keepalive = new PathProbe(Kind.KEEPALIVE, SESSION, DATA).encode(KEY);
        assertThat(decode(keepalive)).isInstanceOf(ProbeVerdict.Accepted.class);
        for (int n = 1; n < 33; n++) {
            assertThat(rejection(Arrays.copyOf(keepalive, n))).as("%d bytes", n).isEqualTo(Rejection.TOO_SHORT);
        }
        assertThat(rejection(new byte[0])).isEqualTo(Rejection.TOO_SHORT);
    }

    @Test
    void quicPacketsAndUnknownTypesAreNotProbes() {
        byte[] datagram = new PathProbe(Kind.CHALLENGE, SESSION, DATA).encode(KEY);
        datagram[0] = (byte) 0xc0;
        assertThat(rejection(datagram)).isEqualTo(Rejection.NOT_A_PROBE);
        datagram[0] = 0x05;
        assertThat(rejection(datagram)).isEqualTo(Rejection.UNKNOWN_TYPE);
        datagram[0] = 0x00;
        assertThat(rejection(datagram)).isEqualTo(Rejection.UNKNOWN_TYPE);
    }

    @Test
    void sessionIdSelectsTheKeyAndUnknownSessionsAreRejected() {
        byte[] datagram = new PathProbe(Kind.CHALLENGE, SESSION, DATA).encode(KEY);
        assertThat(PathProbe.sessionIdOf(ByteBuffer.wrap(datagram))).hasValue(SESSION);
        assertThat(PathProbe.decode(ByteBuffer.wrap(datagram), id -> id == SESSION ? KEY : null))
                .isInstanceOf(ProbeVerdict.Accepted.class);
        assertThat(PathProbe.decode(ByteBuffer.wrap(datagram), id -> null))
                .isEqualTo(new ProbeVerdict.Rejected(Rejection.UNKNOWN_SESSION));
    }

    @Test
    void probeReflectedToItsSenderNamesASessionTheSenderDoesNotOwn() {
        long mine = 0x1111L;
        long peers = 0x2222L;
        // A sends a challenge to B under B's ID; an attacker bounces it back to A
        byte[] toPeer = new PathProbe(Kind.CHALLENGE, peers, DATA).encode(KEY);
        assertThat(PathProbe.decode(ByteBuffer.wrap(toPeer), id -> id == mine ? KEY : null))
                .isEqualTo(new ProbeVerdict.Rejected(Rejection.UNKNOWN_SESSION));
    }

    @Test
    void decodingLeavesTheBufferPositionAlone() {
        ByteBuffer buffer = ByteBuffer.wrap(new PathProbe(Kind.KEEPALIVE, SESSION, DATA).encode(KEY));
        PathProbe.decode(buffer, KEY);
        assertThat(buffer.position()).isZero();
    }

    @Test
    void shortKeysAndOddLengthsAreCallerErrors() {
        PathProbe probe = new PathProbe(Kind.CHALLENGE, SESSION, DATA);
        assertThatThrownBy(() -> probe.encode(new byte[15])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> probe.encode(KEY, 1199)).isInstanceOf(IllegalArgumentException.class);
        assertThat(probe.encode(KEY, 1400)).hasSize(1400);
    }
}
