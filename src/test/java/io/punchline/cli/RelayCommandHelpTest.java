package io.punchline.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code punchline relay --help} tells an operator what the relay forwards by default and what a session may cost. */
class RelayCommandHelpTest {

    @Test
    void relayHelpNamesThePrivateTargetsOptionTheResourceCapsAndTheMemoryASessionCosts() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out));
        try {
            assertThat(Launcher.run("relay", "--help")).isEqualTo(ExitCodes.OK);
        } finally {
            System.setOut(original);
        }
        String help = out.toString();
        assertThat(help).contains("--allow-private-targets", "--allow-loopback-targets", "--max-connections-per-client",
                "--send-queue-bytes", "--request-timeout", "public unicast addresses only", "per session",
                "per client connection", "IPv6 /64");
    }

    @Test
    void aRequestTimeoutOfZeroIsAUsageError() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream()));
        try {
            assertThat(Launcher.run("relay", "--listen", "127.0.0.1:0", "--request-timeout", "0"))
                    .isEqualTo(ExitCodes.USAGE);
        } finally {
            System.setErr(original);
        }
    }
}
