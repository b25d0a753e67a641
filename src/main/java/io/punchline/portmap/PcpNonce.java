package io.punchline.portmap;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * RFC 6887 section 11.1, the 96-bit Mapping Nonce: random per mapping, the same in its renewals and its deletion, and
 * echoed in every answer (section 11.3: an answer with another nonce is dropped), so an off-path host cannot forge one.
 */
public record PcpNonce(long high, int low) {

    public static final int LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    public static PcpNonce random() {
        return new PcpNonce(RANDOM.nextLong(), RANDOM.nextInt());
    }

    static PcpNonce read(ByteBuffer in) {
        return new PcpNonce(in.getLong(), in.getInt());
    }

    void write(ByteBuffer out) {
        out.putLong(high).putInt(low);
    }
}
