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

    @Test
    void helpListsEveryCommandAndANamedCommandOrAliasRunsWithOnlyItsOwnModel() {
        String help = captureOut(() -> assertThat(Launcher.run("--help")).isEqualTo(ExitCodes.OK));
        assertThat(help).contains("app", "send", "receive", "peers", "relay", "id", "listen", "dial", "self-check");
        String receive = captureOut(() -> assertThat(Launcher.run("receive", "--help")).isEqualTo(ExitCodes.OK));
        assertThat(receive).startsWith("Usage: punchline receive").contains("--dir");
        String ui = captureOut(() -> assertThat(Launcher.run("ui", "--help")).isEqualTo(ExitCodes.OK));
        assertThat(ui).startsWith("Usage: punchline app");
        String peers = captureOut(() -> assertThat(Launcher.run("peers", "rename", "--help")).isEqualTo(ExitCodes.OK));
        assertThat(peers).startsWith("Usage: punchline peers rename");
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err));
        try {
            assertThat(Launcher.run("recieve", "x")).isEqualTo(ExitCodes.USAGE);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString()).contains("receive"); // picocli suggests the command it knows
    }

    private static String captureOut(Runnable run) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out));
        try {
            run.run();
        } finally {
            System.setOut(original);
        }
        return out.toString();
    }
}
