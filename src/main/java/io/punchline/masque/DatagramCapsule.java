package io.punchline.masque;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * RFC 9297 section 3.5: {@code Datagram Capsule { Type (i) = 0x00, Length (i), HTTP Datagram Payload (..) }}. The
 * payload is what follows the Quarter Stream ID in an HTTP/3 datagram; for UDP proxying, a Context ID and then a
 * (bound) UDP proxying payload.
 *
 * <p>This is a per-packet type: the payload array is neither copied in nor out. Treat it as read-only.
 */
public record DatagramCapsule(byte[] payload) implements Capsule {

    public static final long TYPE = 0x00;

    public DatagramCapsule {
        if (payload == null) {
            throw new NullPointerException("payload");
        }
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public long valueLength() {
        return payload.length;
    }

    @Override
    public void encodeValue(ByteBuffer out) {
        out.put(payload);
    }

    /** The value is the payload, of any length. */
    static DatagramCapsule decodeValue(ByteBuffer value) {
        byte[] payload = new byte[value.remaining()];
        value.get(payload);
        return new DatagramCapsule(payload);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DatagramCapsule that && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "DatagramCapsule[" + payload.length + " bytes]";
    }
}
