package io.punchline.masque;

import io.punchline.testing.FuzzBudget;
import io.punchline.wire.WireFormatException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes after a request's HEADERS, fed in pieces of any size: the non-blocking decoder ({@link RequestStreamFrames},
 * the relay's capsule loop) hands out the same DATA payloads as the blocking reader ({@link RequestStreamReader}), ends
 * cleanly or with an error exactly when it does, and throws nothing but {@link WireFormatException}.
 */
@AddLifecycleHook(FuzzBudget.class)
class RequestStreamFramesFuzzTest {

    private static final int MAX_HEADERS = 32;

    @Property(tries = 2000)
    void decodedInPiecesAsTheBlockingReaderReadsIt(@ForAll @Size(max = 120) byte[] stream,
                                                   @ForAll @IntRange(min = 1, max = 40) int piece) throws IOException {
        assertThat(inPieces(stream, piece)).isEqualTo(blocking(stream));
    }

    /** The payload bytes, then "end" or "error". */
    private static String inPieces(byte[] stream, int piece) {
        RequestStreamFrames frames = new RequestStreamFrames(MAX_HEADERS);
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        try {
            for (int start = 0; start < stream.length; start += piece) {
                ByteBuffer in = ByteBuffer.wrap(stream, start, Math.min(piece, stream.length - start));
                for (ByteBuffer payload; (payload = frames.nextPayload(in)) != null; ) {
                    payloads.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
                }
            }
            frames.finish();
            return payloads + " end";
        } catch (WireFormatException e) {
            return payloads + " error";
        }
    }

    private static String blocking(byte[] stream) throws IOException {
        RequestStreamReader reader = new RequestStreamReader(new ByteArrayInputStream(stream));
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        try {
            while (true) {
                RequestStreamReader.Item item = reader.next(MAX_HEADERS);
                if (item instanceof RequestStreamReader.End) {
                    return payloads + " end";
                }
                if (item instanceof RequestStreamReader.Data data) {
                    payloads.write(data.buffer(), 0, data.length());
                }
            }
        } catch (WireFormatException | java.io.EOFException e) {
            return payloads + " error";
        }
    }
}
