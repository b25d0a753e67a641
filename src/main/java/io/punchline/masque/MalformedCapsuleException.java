package io.punchline.masque;

import io.punchline.wire.WireFormatException;

/**
 * RFC 9297 section 3.3: a capsule that is malformed, or a stream that ends inside one, is an error processing the
 * Capsule Protocol; the HTTP message is malformed, which in HTTP/3 is a stream error of type H3_MESSAGE_ERROR on the
 * request stream (RFC 9114 section 4.1.2). draft-ietf-masque-connect-udp-listen-13 sends every capsule it calls
 * malformed down this path; such capsules are never answered with COMPRESSION_CLOSE.
 */
public final class MalformedCapsuleException extends WireFormatException {

    public MalformedCapsuleException(String message) {
        super(message);
    }

    public MalformedCapsuleException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The HTTP/3 error code with which to reset the request stream. */
    public long errorCode() {
        return Http3ErrorCodes.H3_MESSAGE_ERROR;
    }
}
