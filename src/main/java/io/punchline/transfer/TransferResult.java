package io.punchline.transfer;

/**
 * How a transfer ended: files in place (receiver) or acknowledged (sender), payload bytes moved over the network in
 * this run (a resumed run counts only what it re-sent), its duration, and a message for people.
 */
public record TransferResult(Outcome outcome, int files, long bytes, long millis, String message) {

    public enum Outcome { COMPLETED, DECLINED, CANCELLED_BY_SELF, CANCELLED_BY_PEER, FAILED }

    public boolean completed() {
        return outcome == Outcome.COMPLETED;
    }
}
