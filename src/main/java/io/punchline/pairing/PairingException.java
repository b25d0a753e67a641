package io.punchline.pairing;

/** Why a pairing did not complete, with a message for the person who typed or read the code. */
public final class PairingException extends Exception {

    public enum Reason {
        WRONG_CODE("the code does not match: check the words with the other side and start again with a new code"),
        CODE_USED("this code has already been used; ask the other side for a new one"),
        CODE_EXPIRED("this code has expired; ask the other side for a new one"),
        NO_SUCH_CODE("no such code on this relay: check the number, and that both sides use the same relay"),
        CODE_BURNT("someone entered a wrong code for this code before you (a typo, or someone guessing), so the relay"
                + " voided it; ask the other side for a new one"),
        PEER_GAVE_WRONG_CODE("the other side entered a wrong code, or someone else tried to guess it; this code is now"
                + " void, start again with a new one"),
        TIMEOUT("the other side did not answer in time"),
        RELAY_REFUSED("the relay refused the request"),
        MALFORMED("the other side or the relay sent something malformed");

        final String message;

        Reason(String message) {
            this.message = message;
        }

        /** The user-facing sentence for this reason. */
        public String message() {
            return message;
        }
    }

    private final Reason reason;

    public PairingException(Reason reason) {
        super(reason.message);
        this.reason = reason;
    }

    public PairingException(Reason reason, String detail) {
        super(reason.message + " (" + detail + ")");
        this.reason = reason;
    }

    public PairingException(Reason reason, String detail, Throwable cause) {
        super(reason.message + " (" + detail + ")", cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
