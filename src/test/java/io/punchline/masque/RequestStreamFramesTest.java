package io.punchline.masque;

import io.punchline.wire.WireFormatException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 9114 section 7: the frames after a request's HEADERS, decoded from pieces split anywhere. */
class RequestStreamFramesTest {

    private static final int MAX_HEADERS = 64;

    /** DATA "abc", an unknown frame (type 0x21, reserved), DATA "de", trailers (HEADERS of 2 bytes), DATA "f". */
    private static final byte[] STREAM = {
            0x00, 0x03, 'a', 'b', 'c',
            0x21, 0x02, 0x55, 0x55,
            0x00, 0x02, 'd', 'e',
            0x01, 0x02, 0x00, 0x00,
            0x00, 0x01, 'f'};

    @Test
    void dataPayloadsComeOutInOrderWhereverThePiecesAreSplit() throws Exception {
        for (int split = 1; split <= STREAM.length; split++) {
            RequestStreamFrames frames = new RequestStreamFrames(MAX_HEADERS);
            ByteArrayOutputStream payloads = new ByteArrayOutputStream();
            for (int start = 0; start < STREAM.length; start += split) {
                ByteBuffer piece = ByteBuffer.wrap(STREAM, start, Math.min(split, STREAM.length - start));
                for (ByteBuffer payload; (payload = frames.nextPayload(piece)) != null; ) {
                    byte[] bytes = new byte[payload.remaining()];
                    payload.get(bytes);
                    payloads.write(bytes);
                }
                assertThat(piece.hasRemaining()).isFalse();
            }
            frames.finish();
            assertThat(payloads.toString()).as("pieces of %d bytes", split).isEqualTo("abcdef");
        }
    }

    @Test
    void aStreamThatEndsInsideAFrameIsAnError() throws Exception {
        for (int end = 1; end < 5; end++) {
            RequestStreamFrames frames = new RequestStreamFrames(MAX_HEADERS);
            ByteBuffer piece = ByteBuffer.wrap(STREAM, 0, end);
            while (frames.nextPayload(piece) != null) {
                // drained
            }
            assertThatThrownBy(frames::finish).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("request stream ended inside");
        }
    }

    @Test
    void framesNotAllowedOnARequestStreamAreAnError() {
        // SETTINGS (0x04) belongs on the control stream only
        RequestStreamFrames frames = new RequestStreamFrames(MAX_HEADERS);
        assertThatThrownBy(() -> frames.nextPayload(ByteBuffer.wrap(new byte[]{0x04, 0x00})))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("0x4 is not allowed");
    }

    @Test
    void trailersOverTheLimitAreAnError() {
        RequestStreamFrames frames = new RequestStreamFrames(MAX_HEADERS);
        // trailers: a HEADERS frame of 16,383 bytes (the two-byte varint 0x7fff)
        assertThatThrownBy(() -> frames.nextPayload(ByteBuffer.wrap(new byte[]{0x01, 0x7f, (byte) 0xff})))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("exceeds the limit of 64");
    }
}
