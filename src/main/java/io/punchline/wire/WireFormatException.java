package io.punchline.wire;

/**
 * Input that does not follow a wire format: truncated, trailing bytes, a value out of range, a forbidden codepoint.
 * Parsers throw only this (or a subclass naming the protocol error the caller must signal); the message says what was
 * wrong so that it can be logged as is.
 */
public class WireFormatException extends Exception {

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
