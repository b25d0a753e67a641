package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * RFC 9297 section 2.1: {@code HTTP/3 Datagram { Quarter Stream ID (i), HTTP Datagram Payload (..) }}, the content
 * of a QUIC DATAGRAM frame. The Quarter Stream ID is the client-initiated bidirectional request stream ID divided by
 * four; a value above 2^60-1, or a frame too short to hold one, is an H3_DATAGRAM_ERROR.
 *
 * <p>This is a per-packet type: the payload array is neither copied in nor out. Treat it as read-only. The send path
 * of bound UDP proxying writes whole datagrams directly ({@link UncompressedPayload#toDatagram},
 * {@link CompressedPayload#toDatagram}); the receive path reads in place with {@link #decodeQuarterStreamId}.
 */
public record HttpDatagram(long quarterStreamId, byte[] payload) {

    /** 2^60 - 1: stream IDs are below 2^62. */
    public static final long MAX_QUARTER_STREAM_ID = (1L << 60) - 1;

    public HttpDatagram {
        requireQuarterStreamId(quarterStreamId);
        if (payload == null) {
            throw new NullPointerException("payload");
        }
    }

    /** The Quarter Stream ID for a request stream ID (which must be client-initiated bidirectional: a multiple of 4). */
    public static long quarterStreamIdOf(long requestStreamId) {
        if (requestStreamId < 0 || (requestStreamId & 3) != 0) {
            throw new IllegalArgumentException("not a client-initiated bidirectional stream: " + requestStreamId);
        }
        return requestStreamId >>> 2;
    }

    public int encodedLength() {
        return QuicVarint.encodedLength(quarterStreamId) + payload.length;
    }

    public void encode(ByteBuffer out) {
        QuicVarint.encode(quarterStreamId, out);
        out.put(payload);
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        encode(out);
        return out.array();
    }

    /** Decodes a whole DATAGRAM frame's data. */
    public static HttpDatagram decode(byte[] frameData) throws HttpDatagramException {
        ByteBuffer in = ByteBuffer.wrap(frameData);
        long quarterStreamId = decodeQuarterStreamId(in);
        return new HttpDatagram(quarterStreamId, Arrays.copyOfRange(frameData, in.position(), frameData.length));
    }

    /**
     * Reads the Quarter Stream ID and leaves the buffer at the HTTP Datagram Payload, so that the payload can be
     * decoded in place on the per-packet path.
     */
    public static long decodeQuarterStreamId(ByteBuffer in) throws HttpDatagramException {
        long quarterStreamId = QuicVarint.tryDecode(in);
        if (quarterStreamId < 0) {
            throw new HttpDatagramException("QUIC DATAGRAM frame too short for a Quarter Stream ID ("
                    + in.remaining() + " bytes)");
        }
        if (quarterStreamId > MAX_QUARTER_STREAM_ID) {
            throw new HttpDatagramException("Quarter Stream ID above 2^60-1: " + quarterStreamId);
        }
        return quarterStreamId;
    }

    private static void requireQuarterStreamId(long quarterStreamId) {
        if (quarterStreamId < 0 || quarterStreamId > MAX_QUARTER_STREAM_ID) {
            throw new IllegalArgumentException("Quarter Stream ID outside 0..2^60-1: " + quarterStreamId);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HttpDatagram that && quarterStreamId == that.quarterStreamId
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(quarterStreamId) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "HttpDatagram[qsid=" + quarterStreamId + ", " + payload.length + " bytes]";
    }
}
