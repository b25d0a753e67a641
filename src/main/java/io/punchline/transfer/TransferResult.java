package io.punchline.transfer;

/**
 * How a transfer ended: files in place (receiver) or acknowledged (sender), payload bytes moved over the network in
 * this run (a resumed run counts only what it re-sent), its duration, and a message for people.
 */
public record TransferResult(Outcome outcome, int files, long bytes, long millis, String message) {

    public enum Outcome { COMPLETED, DECLINED, CANCELLED_BY_SELF, CANCELLED_BY_PEER, FAILED }

    /** How the message of a transfer that failed because the session ended begins. */
    public static final String CONNECTION_LOST = "connection lost";

    public boolean completed() {
        return outcome == Outcome.COMPLETED;
    }

    /** The session with the peer ended mid-transfer: offering the same files again resumes it. */
    public boolean connectionLost() {
        return outcome == Outcome.FAILED && message != null && message.startsWith(CONNECTION_LOST);
    }
}
