package io.punchline.crypto;

import java.io.IOException;

/** The peer handshake or relay authentication failed; no session keys exist and no application data may flow. */
public final class HandshakeException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why. The code is what an ABORT message carries on the wire. */
    public enum Reason {
        WRONG_PEER(1),
        BAD_SIGNATURE(2),
        BAD_CONFIRMATION(3),
        VERSION_MISMATCH(4),
        MALFORMED(5),
        OVERSIZED(6),
        TRUNCATED(7),
        PEER_REFUSED(8),
        PEER_ABORTED(9);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Reason ofCode(int code) {
            for (Reason reason : values()) {
                if (reason.code == code) {
                    return reason;
                }
            }
            return PEER_ABORTED;
        }
    }

    private final Reason reason;

    public HandshakeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
