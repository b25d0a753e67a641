package io.punchline.quic;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The frames a QUIC v1 Initial packet may carry that a handshake witness reads (RFC 9000 section 12.4, table 3):
 * PADDING (section 19.1), PING (19.2), ACK (19.3) and CRYPTO (19.6). CONNECTION_CLOSE of type 0x1c is also allowed in
 * an Initial; {@link InitialFrames} stops before it and every other type.
 */
public sealed interface InitialFrame
        permits InitialFrame.Padding, InitialFrame.Ping, InitialFrame.Ack, InitialFrame.Crypto {

    /** A run of {@code length} consecutive PADDING (0x00) frames, one byte each. */
    record Padding(int length) implements InitialFrame {
        public Padding {
            if (length < 1) {
                throw new IllegalArgumentException("a PADDING run has at least one byte: " + length);
            }
        }
    }

    /** PING (0x01). */
    record Ping() implements InitialFrame {
    }

    /** One acknowledged range, both ends included. */
    record AckRange(long smallest, long largest) {
        public AckRange {
            if (smallest < 0 || largest < smallest) {
                throw new IllegalArgumentException("not a packet number range: " + smallest + ".." + largest);
            }
        }
    }

    /** The ECN counts of an ACK of type 0x03 (RFC 9000 section 19.3.2). */
    record EcnCounts(long ect0, long ect1, long ce) {
    }

    /**
     * ACK (0x02, or 0x03 with ECN counts). {@code ranges} runs from the largest range down (the first one is the First
     * ACK Range); {@code ackDelay} is the encoded value, not yet scaled by the ack_delay_exponent.
     */
    record Ack(long largestAcknowledged, long ackDelay, List<AckRange> ranges, Optional<EcnCounts> ecnCounts)
            implements InitialFrame {
        public Ack {
            ranges = List.copyOf(ranges);
            if (ranges.isEmpty() || ranges.get(0).largest() != largestAcknowledged) {
                throw new IllegalArgumentException("an ACK's first range ends at its largest acknowledged number");
            }
        }
    }

    /** CRYPTO (0x06): {@code data} at {@code offset} of the TLS handshake stream of this packet number space. */
    record Crypto(long offset, byte[] data) implements InitialFrame {
        public Crypto {
            if (offset < 0) {
                throw new IllegalArgumentException("negative CRYPTO offset: " + offset);
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Offset of the first byte after this frame's data. */
        public long end() {
            return offset + data.length;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Crypto that && offset == that.offset && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(offset) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Crypto[offset=" + offset + ", data=" + HexFormat.of().formatHex(data) + "]";
        }
    }
}
