package io.punchline.masque;

import static io.punchline.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9297 section 3.2 and 3.3: framing, unknown types, exact lengths, incomplete streams. */
class CapsuleParserTest {

    private static byte[] stream(Capsule... capsules) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Capsule c : capsules) {
            out.writeBytes(c.toBytes());
        }
        return out.toByteArray();
    }

    private static List<Capsule> sample() throws Exception {
        return List.of(CompressionAssign.uncompressed(2), new CompressionAck(2),
                new CompressionAssign(4, new InetSocketAddress(InetAddress.getByName("203.0.113.11"), 60000)),
                new DatagramCapsule(bytes("04 68656c6c6f")), new UnknownCapsule(0x2a, 5),
                new CompressionClose(2), new UnknownCapsule(0x1c0fe323L, 0), new DatagramCapsule(new byte[0]),
                new CompressionAssign(6, new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1)));
    }

    @Test
    void inputSplitAtEveryByteOffsetGivesTheSameCapsules() throws Exception {
        List<Capsule> expected = sample();
        byte[] all = stream(expected.toArray(Capsule[]::new));
        for (int split = 0; split <= all.length; split++) {
            for (int second = split; second <= all.length; second += 7) {
                CapsuleParser parser = new CapsuleParser();
                List<Capsule> got = new ArrayList<>();
                parser.feed(ByteBuffer.wrap(all, 0, split), got::add);
                parser.feed(ByteBuffer.wrap(all, split, second - split), got::add);
                parser.feed(ByteBuffer.wrap(all, second, all.length - second), got::add);
                parser.finish();
                assertThat(got).as("split at %d and %d", split, second).isEqualTo(expected);
            }
        }
    }

    @Test
    void inputFedOneByteAtATimeGivesTheSameCapsules() throws Exception {
        List<Capsule> expected = sample();
        CapsuleParser parser = new CapsuleParser();
        List<Capsule> got = new ArrayList<>();
        for (byte b : stream(expected.toArray(Capsule[]::new))) {
            parser.feed(ByteBuffer.wrap(new byte[] {b}), got::add);
        }
        parser.finish();
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void unknownCapsuleTypesAreSkippedAndReported() throws Exception {
        CapsuleParser parser = new CapsuleParser();
        List<Capsule> got = parser.feed(ByteBuffer.wrap(bytes("3f 03 aabbcc 12 01 02")));
        assertThat(got).containsExactly(new UnknownCapsule(0x3f, 3), new CompressionAck(2));
    }

    @Test
    void hugeUnknownCapsuleIsSkippedWithoutBuffering() throws Exception {
        CapsuleParser parser = new CapsuleParser();
        // type 0x2a, length 2^62-1: reported at once, then skipped chunk by chunk
        List<Capsule> got = parser.feed(ByteBuffer.wrap(bytes("2a ffffffffffffffff")));
        assertThat(got).containsExactly(new UnknownCapsule(0x2a, (1L << 62) - 1));
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < 64; i++) {
            assertThat(parser.feed(ByteBuffer.wrap(chunk))).isEmpty();
        }
        assertThatThrownBy(parser::finish).isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void oversizeControlCapsuleIsMalformedBeforeAnyValueArrives() {
        CapsuleParser parser = new CapsuleParser();
        assertThatThrownBy(() -> parser.feed(ByteBuffer.wrap(bytes("11 80ffffff"))))
                .isInstanceOf(MalformedCapsuleException.class).hasMessageContaining("length");
        assertThatThrownBy(() -> new CapsuleParser().feed(ByteBuffer.wrap(bytes("12 41 00"))))
                .isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void oversizeDatagramCapsuleIsDiscardedWithoutBuffering() throws Exception {
        CapsuleParser parser = new CapsuleParser(10);
        byte[] oversize = new DatagramCapsule(new byte[11]).toBytes();
        List<Capsule> got = new ArrayList<>(parser.feed(ByteBuffer.wrap(oversize)));
        got.addAll(parser.feed(ByteBuffer.wrap(new DatagramCapsule(new byte[10]).toBytes())));
        parser.finish();
        assertThat(got).containsExactly(new DatagramCapsule(new byte[10]));
        assertThat(parser.droppedDatagramCapsules()).isEqualTo(1);
    }

    @Test
    void streamEndingInsideACapsuleIsMalformed() throws Exception {
        byte[] all = new CompressionAssign(4, new InetSocketAddress(InetAddress.getByName("203.0.113.11"), 60000))
                .toBytes();
        for (int cut = 1; cut < all.length; cut++) {
            CapsuleParser parser = new CapsuleParser();
            assertThat(parser.feed(ByteBuffer.wrap(all, 0, cut))).isEmpty();
            assertThatThrownBy(parser::finish).as("cut at %d", cut).isInstanceOf(MalformedCapsuleException.class);
        }
    }

    @Test
    void streamEndingBetweenCapsulesIsClean() throws Exception {
        CapsuleParser parser = new CapsuleParser();
        parser.feed(ByteBuffer.wrap(bytes("12 01 02 13 01 02")));
        parser.finish();
    }

    @Test
    void parserStaysFailedAfterMalformedInput() {
        CapsuleParser parser = new CapsuleParser();
        assertThatThrownBy(() -> parser.feed(ByteBuffer.wrap(bytes("13 01 00"))))
                .isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> parser.feed(ByteBuffer.wrap(bytes("12 01 02"))))
                .isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void legacyAssignCodepointOfDraft07IsAnUnknownCapsule() throws Exception {
        assertThat(CapsuleTest.parseOne("9c0fe323 02 02 00")).isEqualTo(new UnknownCapsule(0x1C0FE323L, 2));
    }
}
