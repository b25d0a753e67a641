package io.punchline.masque;

/**
 * RFC 9114 section 8.1, HTTP/3 error codes: the application error codes with which the relay and its clients reset
 * request streams, stop reading them, or close the connection; and RFC 9297 section 2.1's H3_DATAGRAM_ERROR.
 */
public final class Http3ErrorCodes {

    /** No error: a stream or connection closed with nothing wrong, e.g. reading stopped after a complete response. */
    public static final long H3_NO_ERROR = 0x0100;
    /** The peer generates too much load (for the relay: from this client, or in all). */
    public static final long H3_EXCESSIVE_LOAD = 0x0107;
    /** A request was rejected without any application processing; the client may retry it. */
    public static final long H3_REQUEST_REJECTED = 0x010b;
    /** The request or its response was cancelled. */
    public static final long H3_REQUEST_CANCELLED = 0x010c;
    /** The client's stream terminated without containing a fully formed request. */
    public static final long H3_REQUEST_INCOMPLETE = 0x010d;
    /** A malformed HTTP message, which includes an error processing the Capsule Protocol (RFC 9297 section 3.3). */
    public static final long H3_MESSAGE_ERROR = 0x010e;
    /** RFC 9297 section 2.1: an HTTP datagram too short for its Quarter Stream ID, or one out of range. */
    public static final long H3_DATAGRAM_ERROR = 0x33;

    private Http3ErrorCodes() {
    }
}
