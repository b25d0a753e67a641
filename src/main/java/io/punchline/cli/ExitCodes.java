package io.punchline.cli;

/** Exit codes of the {@code punchline} command: a public interface, documented in the README. Keep them stable. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command failed at run time (network, relay, peer or file error); the message says why. */
    public static final int FAILURE = 1;
    /** The command line was wrong (unknown option, bad address, missing argument). */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
