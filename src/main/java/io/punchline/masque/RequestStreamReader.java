package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the HTTP/3 frames of one request stream (RFC 9114 section 7.2): the HEADERS frame, then DATA frames whose
 * payloads carry the capsule protocol (RFC 9297 section 3.2) in chunks of at most {@link #CHUNK} bytes, so a large
 * capsule is never buffered whole here. Unknown and reserved frame types are skipped (RFC 9114 section 9); frames
 * that are not allowed on a request stream are a protocol error.
 *
 * <p>flupke's own readers treat every non-DATA frame as the end of the stream and read DATA frames whole, which is
 * why the relay and the bind client read request streams with this class.
 */
public final class RequestStreamReader {

    /** Largest piece of a DATA frame handed to the caller at once. */
    public static final int CHUNK = 16 * 1024;

    static final long FRAME_DATA = 0x00;
    static final long FRAME_HEADERS = 0x01;

    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK];
    private long dataRemaining;

    public RequestStreamReader(InputStream in) {
        this.in = in;
    }

    /** What {@link #next} found. */
    public sealed interface Item permits Headers, Data, End {
    }

    /** A HEADERS frame's encoded field section (QPACK). */
    public record Headers(byte[] fieldSection) implements Item {
    }

    /** A piece of DATA frame payload; valid until the next call to {@link #next}. */
    public record Data(byte[] buffer, int length) implements Item {
    }

    /** The stream ended cleanly at a frame boundary. */
    public record End() implements Item {
    }

    /**
     * Returns the next item. A HEADERS frame larger than {@code maxHeaders} is refused before it is read.
     *
     * @throws WireFormatException for frames not allowed on a request stream, oversized headers, or a stream that
     *                             ends inside a frame (RFC 9114 section 7.1: H3_FRAME_ERROR / H3_MESSAGE_ERROR)
     */
    public Item next(int maxHeaders) throws IOException, WireFormatException {
        while (true) {
            if (dataRemaining > 0) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, dataRemaining));
                if (n < 0) {
                    throw new WireFormatException("request stream ended inside a DATA frame");
                }
                dataRemaining -= n;
                return new Data(chunk, n);
            }
            long type = QuicVarint.readFrom(in);
            if (type < 0) {
                return new End();
            }
            long length = QuicVarint.readFrom(in);
            if (length < 0) {
                throw new WireFormatException("request stream ended inside a frame header");
            }
            if (type == FRAME_DATA) {
                dataRemaining = length;
                continue;
            }
            if (type == FRAME_HEADERS) {
                if (length > maxHeaders) {
                    throw new WireFormatException("HEADERS frame of " + length + " bytes exceeds the limit of " + maxHeaders);
                }
                byte[] block = in.readNBytes((int) length);
                if (block.length != length) {
                    throw new WireFormatException("request stream ended inside a HEADERS frame");
                }
                return new Headers(block);
            }
            if (isForbiddenOnRequestStream(type)) {
                throw new WireFormatException("frame type 0x" + Long.toHexString(type) + " is not allowed on a request stream");
            }
            skip(length);
        }
    }

    /** Whether the next byte starts a frame: nothing of a DATA frame is left to hand out. */
    boolean atFrameBoundary() {
        return dataRemaining == 0;
    }

    private void skip(long length) throws IOException, WireFormatException {
        long left = length;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new WireFormatException("request stream ended inside an unknown frame");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** CANCEL_PUSH, SETTINGS, GOAWAY, MAX_PUSH_ID and the HTTP/2 types reserved by RFC 9114 section 7.2.8. */
    static boolean isForbiddenOnRequestStream(long type) {
        return type == 0x02 || type == 0x03 || type == 0x04 || type == 0x06 || type == 0x07 || type == 0x08
                || type == 0x09 || type == 0x0d;
    }

    /** Skips input until the end of the stream, discarding it; used after an error when only the FIN matters. */
    public static void drain(InputStream in) {
        byte[] sink = new byte[4096];
        try {
            while (in.read(sink) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // the stream is gone either way
        }
    }
}
