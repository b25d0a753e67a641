package io.punchline.masque;

/**
 * The outcome of registering a context locally with {@link ContextRegistry}: either a COMPRESSION_ASSIGN to send, or
 * the reason the registration was refused (tuple already registered, limit reached, target not allowed, ...).
 *
 * @param assign the capsule to send, {@code null} when refused
 * @param refusal why it was refused, {@code null} when registered
 */
public record Registration(CompressionAssign assign, String refusal) {

    static Registration registered(CompressionAssign assign) {
        return new Registration(assign, null);
    }

    static Registration refused(String refusal) {
        return new Registration(null, refusal);
    }

    public boolean isRegistered() {
        return assign != null;
    }

    /** The allocated Context ID; {@link IllegalStateException} when refused. */
    public long contextId() {
        if (assign == null) {
            throw new IllegalStateException("registration refused: " + refusal);
        }
        return assign.contextId();
    }
}
