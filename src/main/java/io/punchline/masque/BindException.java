package io.punchline.masque;

/** A bind could not be set up; the message is meant for the user. */
public class BindException extends Exception {
    public BindException(String message) {
        super(message);
    }

    public BindException(String message, Throwable cause) {
        super(message, cause);
    }
}
