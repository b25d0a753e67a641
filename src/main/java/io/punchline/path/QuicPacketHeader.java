package io.punchline.path;

/**
 * Just enough of RFC 9000 section 17 to route a datagram: the QUIC fixed bit (section 17.2/17.3, 0x40 in the first
 * byte), which Punchline's own path probes leave clear, and the Destination Connection ID, explicit in a long header
 * and of a length the receiver chose in a short header. Every Punchline connection uses
 * {@link #CONNECTION_ID_LENGTH}-byte connection IDs, so a short header's DCID is always bytes 1 to 8.
 */
public final class QuicPacketHeader {

    public static final int CONNECTION_ID_LENGTH = 8;
    private static final int FIXED_BIT = 0x40;
    private static final int LONG_HEADER = 0x80;

    private QuicPacketHeader() {
    }

    /** Whether the datagram starts like a QUIC packet; probes and other Punchline messages clear the fixed bit. */
    public static boolean isQuic(byte[] data, int offset, int length) {
        return length > 0 && isQuic(data[offset]);
    }

    /** Whether a datagram with this first byte is a QUIC packet. */
    public static boolean isQuic(byte first) {
        return (first & FIXED_BIT) != 0;
    }

    /**
     * Offset of the destination connection ID inside {@code data}, with its length in the upper 32 bits of the result,
     * or -1 when the datagram is too short to hold one.
     */
    public static long destinationConnectionId(byte[] data, int offset, int length) {
        if (length < 1) {
            return -1;
        }
        if ((data[offset] & LONG_HEADER) != 0) {
            // first byte, version (4), DCID length (1), DCID
            if (length < 6) {
                return -1;
            }
            int cidLength = data[offset + 5] & 0xff;
            if (cidLength > 20 || length < 6 + cidLength) {
                return -1;
            }
            return ((long) cidLength << 32) | (offset + 6);
        }
        if (length < 1 + CONNECTION_ID_LENGTH) {
            return -1;
        }
        return ((long) CONNECTION_ID_LENGTH << 32) | (offset + 1);
    }
}
