package io.punchline.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * RFC 9000 section 16, "Variable-Length Integer Encoding": "The first two bits of the first byte encode the base-2
 * logarithm of the integer encoding length in bytes. The integer value is encoded on the remaining bits, in network
 * byte order." Lengths 1, 2, 4 and 8 carry 6, 14, 30 and 62 bits.
 *
 * <p>Encoding is always minimal. Decoding accepts non-minimal encodings: RFC 9000 requires the minimal form only for
 * frame types, and capsule types, lengths and context IDs may legally be longer.
 */
public final class QuicVarint {

    /** 2^62 - 1, the largest value a varint can carry. */
    public static final long MAX_VALUE = (1L << 62) - 1;

    /** The longest encoding, in bytes. */
    public static final int MAX_LENGTH = 8;

    private QuicVarint() {
    }

    /** Bytes needed to encode {@code value} minimally; {@link IllegalArgumentException} when outside 0..2^62-1. */
    public static int encodedLength(long value) {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("not a varint value (0..2^62-1): " + value);
        }
        if (value < (1L << 6)) {
            return 1;
        }
        if (value < (1L << 14)) {
            return 2;
        }
        if (value < (1L << 30)) {
            return 4;
        }
        return 8;
    }

    /** Writes the minimal encoding of {@code value}; the buffer must have room for {@link #encodedLength(long)}. */
    public static void encode(long value, ByteBuffer out) {
        switch (encodedLength(value)) {
            case 1 -> out.put((byte) value);
            case 2 -> out.putShort((short) (0x4000 | value));
            case 4 -> out.putInt((int) (0x8000_0000L | value));
            default -> out.putLong(0xC000_0000_0000_0000L | value);
        }
    }

    /** Writes the minimal encoding of {@code value} at {@code offset}; returns the offset after it. */
    public static int encode(long value, byte[] out, int offset) {
        int length = encodedLength(value);
        int prefix = Integer.numberOfTrailingZeros(length) << 6;
        for (int i = length - 1; i >= 0; i--) {
            out[offset + i] = (byte) value;
            value >>>= 8;
        }
        out[offset] = (byte) (out[offset] | prefix);
        return offset + length;
    }

    /** Encoded length announced by a first byte: 1, 2, 4 or 8. */
    public static int lengthOf(byte firstByte) {
        return 1 << ((firstByte & 0xFF) >>> 6);
    }

    /** Reads one varint; {@link WireFormatException} when the buffer ends inside it (nothing is consumed then). */
    public static long decode(ByteBuffer in) throws WireFormatException {
        long value = tryDecode(in);
        if (value < 0) {
            throw new WireFormatException(in.hasRemaining()
                    ? "truncated varint: needs " + lengthOf(in.get(in.position())) + " bytes, " + in.remaining() + " left"
                    : "missing varint: no bytes left");
        }
        return value;
    }

    /**
     * Reads one varint if the buffer holds all of it; otherwise returns -1 and leaves the buffer untouched, so that a
     * parser can wait for more input.
     */
    public static long tryDecode(ByteBuffer in) {
        if (!in.hasRemaining()) {
            return -1;
        }
        int position = in.position();
        int length = lengthOf(in.get(position));
        if (in.remaining() < length) {
            return -1;
        }
        long value = in.get(position) & 0x3F;
        for (int i = 1; i < length; i++) {
            value = (value << 8) | (in.get(position + i) & 0xFF);
        }
        in.position(position + length);
        return value;
    }

    /**
     * Reads one varint from a stream; returns -1 when the stream ends cleanly before its first byte and throws
     * {@link EOFException} when it ends inside it.
     */
    public static long readFrom(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return -1;
        }
        int length = lengthOf((byte) first);
        long value = first & 0x3F;
        for (int i = 1; i < length; i++) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("stream ended inside a " + length + "-byte varint");
            }
            value = (value << 8) | next;
        }
        return value;
    }
}
