package io.punchline.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

class LauncherTest {

    @Test
    void versionPrintsTheVersionAndExitsZero() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out));
        try {
            assertThat(Launcher.run("--version")).isEqualTo(ExitCodes.OK);
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString()).startsWith("punchline ");
    }

    @Test
    void anUnknownOptionExitsWithTheUsageCode() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream()));
        try {
            assertThat(Launcher.run("--no-such-option")).isEqualTo(ExitCodes.USAGE);
            assertThat(Launcher.run("relay", "--listen", "nonsense")).isEqualTo(ExitCodes.USAGE);
        } finally {
            System.setErr(original);
        }
    }
}
