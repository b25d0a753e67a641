package io.punchline.crypto;

import java.io.IOException;

/** A secure-stream record could not be accepted; none of its plaintext was released and the stream is unusable. */
public final class RecordException extends IOException {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Authentication failed: altered, reordered, replayed or wrongly keyed record. */
        BAD_TAG,
        /** A record length above the maximum, refused before reading it. */
        OVERSIZED,
        /** The stream ended cleanly between records but without the authenticated END record. */
        TRUNCATED,
        /** The stream ended inside a record. */
        UNEXPECTED_EOF,
        /** An unknown record type or a length too short to hold a tag. */
        MALFORMED
    }

    private final Reason reason;

    public RecordException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
