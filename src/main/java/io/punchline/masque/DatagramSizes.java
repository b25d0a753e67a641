package io.punchline.masque;

import tech.kwik.core.QuicConnection;

/**
 * How large an HTTP datagram may be to travel in one QUIC DATAGRAM frame (RFC 9221) on a kwik 0.10.8 connection.
 *
 * <p>kwik's {@code maxDatagramDataSize()} leaves out the 16-byte AEAD tag, so datagrams up to 16 bytes below it fit a
 * packet and larger ones are accepted by {@code sendDatagram} but never sent. We stay below by that margin; anything
 * larger goes as a DATAGRAM capsule.
 */
public final class DatagramSizes {

    static final int AEAD_TAG = 16;

    private DatagramSizes() {
    }

    public static int maxFrameData(QuicConnection connection) {
        try {
            return Math.max(0, connection.maxDatagramDataSize() - AEAD_TAG);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
