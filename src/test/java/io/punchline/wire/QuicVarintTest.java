package io.punchline.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 9000 section 16 and appendix A.1 examples. */
class QuicVarintTest {

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static byte[] encode(long value) {
        ByteBuffer out = ByteBuffer.allocate(8);
        QuicVarint.encode(value, out);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    @Test
    void decodesRfc9000AppendixAExamples() throws Exception {
        assertThat(QuicVarint.decode(ByteBuffer.wrap(hex("c2197c5eff14e88c")))).isEqualTo(151288809941952652L);
        assertThat(QuicVarint.decode(ByteBuffer.wrap(hex("9d7f3e7d")))).isEqualTo(494878333L);
        assertThat(QuicVarint.decode(ByteBuffer.wrap(hex("7bbd")))).isEqualTo(15293L);
        assertThat(QuicVarint.decode(ByteBuffer.wrap(hex("25")))).isEqualTo(37L);
    }

    @Test
    void encodesRfc9000AppendixAExamplesMinimally() {
        assertThat(encode(151288809941952652L)).isEqualTo(hex("c2197c5eff14e88c"));
        assertThat(encode(494878333L)).isEqualTo(hex("9d7f3e7d"));
        assertThat(encode(15293L)).isEqualTo(hex("7bbd"));
        assertThat(encode(37L)).isEqualTo(hex("25"));
    }

    @Test
    void decoderAcceptsNonMinimalEncoding() throws Exception {
        assertThat(QuicVarint.decode(ByteBuffer.wrap(hex("4025")))).isEqualTo(37L);
        assertThat(QuicVarint.decode(ByteBuffer.wrap(hex("80000025")))).isEqualTo(37L);
        assertThat(QuicVarint.decode(ByteBuffer.wrap(hex("c000000000000025")))).isEqualTo(37L);
    }

    @Test
    void everyWidthBoundaryHasItsExpectedBytes() {
        assertThat(encode(0)).isEqualTo(hex("00"));
        assertThat(encode(63)).isEqualTo(hex("3f"));
        assertThat(encode(64)).isEqualTo(hex("4040"));
        assertThat(encode(16383)).isEqualTo(hex("7fff"));
        assertThat(encode(16384)).isEqualTo(hex("80004000"));
        assertThat(encode((1L << 30) - 1)).isEqualTo(hex("bfffffff"));
        assertThat(encode(1L << 30)).isEqualTo(hex("c000000040000000"));
        assertThat(encode(QuicVarint.MAX_VALUE)).isEqualTo(hex("ffffffffffffffff"));
        for (long v : new long[] {0, 63, 64, 16383, 16384, (1L << 30) - 1, 1L << 30, QuicVarint.MAX_VALUE}) {
            assertThat(encode(v)).hasSize(QuicVarint.encodedLength(v));
        }
    }

    @Test
    void arrayEncodingMatchesBufferEncoding() {
        for (long v : new long[] {0, 37, 63, 64, 15293, 16384, 494878333L, 151288809941952652L, QuicVarint.MAX_VALUE}) {
            byte[] out = new byte[10];
            int end = QuicVarint.encode(v, out, 1);
            assertThat(end - 1).isEqualTo(QuicVarint.encodedLength(v));
            byte[] written = java.util.Arrays.copyOfRange(out, 1, end);
            assertThat(written).isEqualTo(encode(v));
        }
    }

    @Test
    void encoderRejectsValuesAbove2To62Minus1() {
        assertThatThrownBy(() -> encode(1L << 62)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encode(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuicVarint.encodedLength(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedVarintIsAWireFormatErrorAndConsumesNothing() {
        ByteBuffer in = ByteBuffer.wrap(hex("9d7f3e"));
        assertThatThrownBy(() -> QuicVarint.decode(in)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("truncated");
        assertThat(in.position()).isZero();
        assertThatThrownBy(() -> QuicVarint.decode(ByteBuffer.allocate(0))).isInstanceOf(WireFormatException.class);
    }

    @Test
    void tryDecodeReturnsMinusOneUntilEveryByteHasArrived() {
        byte[] bytes = hex("c2197c5eff14e88c");
        for (int available = 0; available < bytes.length; available++) {
            ByteBuffer partial = ByteBuffer.wrap(bytes, 0, available);
            assertThat(QuicVarint.tryDecode(partial)).isEqualTo(-1);
            assertThat(partial.position()).isZero();
        }
        ByteBuffer whole = ByteBuffer.wrap(bytes);
        assertThat(QuicVarint.tryDecode(whole)).isEqualTo(151288809941952652L);
        assertThat(whole.hasRemaining()).isFalse();
    }

    @Test
    void readFromReturnsMinusOneAtCleanEndOfStream() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(hex("7bbd 25"));
        assertThat(QuicVarint.readFrom(in)).isEqualTo(15293L);
        assertThat(QuicVarint.readFrom(in)).isEqualTo(37L);
        assertThat(QuicVarint.readFrom(in)).isEqualTo(-1L);
    }

    @Test
    void readFromFailsWhenTheStreamEndsInsideAVarint() {
        assertThatThrownBy(() -> QuicVarint.readFrom(new ByteArrayInputStream(hex("9d7f"))))
                .isInstanceOf(EOFException.class);
    }
}
