package io.punchline.masque;

import io.punchline.wire.WireFormatException;

/**
 * RFC 9297 section 2.1: a Quarter Stream ID above 2^60-1, or a QUIC DATAGRAM frame too short to hold one, is a
 * connection error of type H3_DATAGRAM_ERROR.
 */
public final class HttpDatagramException extends WireFormatException {

    /** RFC 9297 section 5.2. */
    public static final long H3_DATAGRAM_ERROR = 0x33;

    public HttpDatagramException(String message) {
        super(message);
    }

    /** The HTTP/3 error code with which to close the connection. */
    public long errorCode() {
        return H3_DATAGRAM_ERROR;
    }
}
