package io.punchline.cli;

/** Exit codes of the {@code punchline} command: a public interface, documented in the README. Keep them stable. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command failed at run time (network, relay, peer or file error); the message says why. */
    public static final int FAILURE = 1;
    /** The command line was wrong (unknown option, bad address, missing argument). */
    public static final int USAGE = 2;
    /** Pairing failed: a wrong, used or expired code, or the other side gave a wrong one. */
    public static final int PAIRING_FAILED = 3;
    /** The other side (or the user at the prompt) declined the files. */
    public static final int DECLINED = 4;
    /** The transfer was cancelled, by the user (Ctrl-C) or the other side. */
    public static final int CANCELLED = 5;

    private ExitCodes() {
    }
}
