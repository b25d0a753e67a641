package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;

import java.nio.ByteBuffer;

/**
 * RFC 9114 section 7.1 and 7.2: the HTTP/3 frames of a request stream after its HEADERS, decoded from pieces as they
 * arrive, split anywhere, without blocking: the DATA payloads (which carry the capsule protocol, RFC 9297 section
 * 3.2) come out as slices of the pieces fed in, never copied. Trailers (a later HEADERS frame) carry nothing for a
 * tunnel and are skipped, as are unknown and reserved frame types (RFC 9114 section 9); a HEADERS frame over the limit
 * and the frame types not allowed on a request stream are errors, as {@link RequestStreamReader} has them.
 *
 * <p>Not thread-safe: one decoder per request stream, fed from one thread at a time.
 */
final class RequestStreamFrames {

    private final int maxHeaders;
    /** A frame's type and length varints while they are incomplete. */
    private final byte[] frameHeader = new byte[2 * QuicVarint.MAX_LENGTH];
    private int frameHeaderFill;
    private long dataRemaining;
    private long skipRemaining;

    RequestStreamFrames(int maxHeaders) {
        this.maxHeaders = maxHeaders;
    }

    /**
     * The next piece of DATA payload in {@code in}, as a slice of it (consumed from {@code in}), or null once
     * {@code in} is used up without one.
     */
    ByteBuffer nextPayload(ByteBuffer in) throws WireFormatException {
        while (in.hasRemaining()) {
            if (dataRemaining > 0) {
                int length = (int) Math.min(dataRemaining, in.remaining());
                ByteBuffer payload = in.slice(in.position(), length);
                in.position(in.position() + length);
                dataRemaining -= length;
                return payload;
            }
            if (skipRemaining > 0) {
                int length = (int) Math.min(skipRemaining, in.remaining());
                in.position(in.position() + length);
                skipRemaining -= length;
                continue;
            }
            frameHeader[frameHeaderFill++] = in.get();
            int typeLength = QuicVarint.lengthOf(frameHeader[0]);
            if (frameHeaderFill <= typeLength
                    || frameHeaderFill < typeLength + QuicVarint.lengthOf(frameHeader[typeLength])) {
                continue;
            }
            ByteBuffer complete = ByteBuffer.wrap(frameHeader, 0, frameHeaderFill);
            frameHeaderFill = 0;
            startFrame(QuicVarint.tryDecode(complete), QuicVarint.tryDecode(complete));
        }
        return null;
    }

    /** The stream ended: cleanly only at a frame boundary (RFC 9114 section 7.1: H3_FRAME_ERROR otherwise). */
    void finish() throws WireFormatException {
        if (frameHeaderFill > 0) {
            throw new WireFormatException("request stream ended inside a frame header");
        }
        if (dataRemaining > 0) {
            throw new WireFormatException("request stream ended inside a DATA frame");
        }
        if (skipRemaining > 0) {
            throw new WireFormatException("request stream ended inside a frame");
        }
    }

    private void startFrame(long type, long length) throws WireFormatException {
        if (type == RequestStreamReader.FRAME_DATA) {
            dataRemaining = length;
            return;
        }
        if (type == RequestStreamReader.FRAME_HEADERS && length > maxHeaders) {
            throw new WireFormatException("HEADERS frame of " + length + " bytes exceeds the limit of " + maxHeaders);
        }
        if (RequestStreamReader.isForbiddenOnRequestStream(type)) {
            throw new WireFormatException("frame type 0x" + Long.toHexString(type) + " is not allowed on a request stream");
        }
        skipRemaining = length;
    }
}
