package io.punchline.nat;

import io.punchline.wire.WireFormatException;

/**
 * A traversal control stream that broke the rules, carrying the RFC 9000 section 20.1 transport error code the draft
 * names for the case. Punchline carries the draft's frames as messages on a stream (kwik has no custom frames), so the
 * session closes the peer connection with this code as an application error.
 *
 * <ul>
 *   <li>{@link #FRAME_ENCODING_ERROR}: a malformed message, an unknown type (RFC 9000 section 12.4: "An endpoint MUST
 *       treat the receipt of a frame of unknown type as a connection error of type FRAME_ENCODING_ERROR"), a
 *       non-minimal type encoding, a stream ending inside a message;</li>
 *   <li>{@link #PROTOCOL_VIOLATION}: a well-formed message the draft forbids, such as ADD_ADDRESS sent by the client
 *       or more PUNCH_ME_NOW in a round than the concurrency limit, or a control stream not opened by exactly one
 *       {@link NatTraversalParameter};</li>
 *   <li>{@link #TRANSPORT_PARAMETER_ERROR}: a {@link NatTraversalParameter} whose value the draft forbids.</li>
 * </ul>
 */
public final class TraversalProtocolException extends WireFormatException {

    /** RFC 9000 section 20.1. */
    public static final long FRAME_ENCODING_ERROR = 0x07;
    /** RFC 9000 section 20.1. */
    public static final long PROTOCOL_VIOLATION = 0x0a;
    /** RFC 9000 section 20.1, for a bad {@link NatTraversalParameter}. */
    public static final long TRANSPORT_PARAMETER_ERROR = 0x08;

    private final long errorCode;

    private TraversalProtocolException(long errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    static TraversalProtocolException encoding(String message) {
        return new TraversalProtocolException(FRAME_ENCODING_ERROR, message);
    }

    static TraversalProtocolException parameter(String message) {
        return new TraversalProtocolException(TRANSPORT_PARAMETER_ERROR, message);
    }

    static TraversalProtocolException violation(String message) {
        return new TraversalProtocolException(PROTOCOL_VIOLATION, message);
    }

    /** {@link #FRAME_ENCODING_ERROR} or {@link #PROTOCOL_VIOLATION}. */
    public long errorCode() {
        return errorCode;
    }
}
