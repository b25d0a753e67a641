package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;

/**
 * The first step of decoding a bound UDP proxying HTTP Datagram Payload (draft-ietf-masque-connect-udp-listen-13,
 * "HTTP Datagram Payload Formats"; RFC 9298 section 5): read the Context ID, let the caller look it up in its
 * {@link ContextRegistry}, then decode the rest with {@link UncompressedPayload#decodeAfterContextId} or
 * {@link CompressedPayload#decodeAfterContextId}.
 */
public final class BoundPayloads {

    /**
     * RFC 9298 section 5: a UDP Proxying Payload on Context ID 0 "MUST NOT" exceed 65,527 bytes (the largest IPv4 UDP
     * payload); the same bound is applied to every context, as no UDP datagram can carry more.
     */
    public static final int MAX_UDP_PAYLOAD = 65_527;

    private BoundPayloads() {
    }

    /** Reads the Context ID at the start of an HTTP Datagram Payload. */
    public static long decodeContextId(ByteBuffer payload) throws WireFormatException {
        return QuicVarint.decode(payload);
    }

    static byte[] remainingUdpPayload(ByteBuffer rest) throws WireFormatException {
        if (rest.remaining() > MAX_UDP_PAYLOAD) {
            throw new WireFormatException("UDP payload of " + rest.remaining() + " bytes, at most " + MAX_UDP_PAYLOAD);
        }
        byte[] udp = new byte[rest.remaining()];
        rest.get(udp);
        return udp;
    }
}
