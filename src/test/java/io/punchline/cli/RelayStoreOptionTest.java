package io.punchline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code punchline relay --store} and {@code --fleet}: a fleet's shared Redis (docs/RELAY.md "A fleet"). */
class RelayStoreOptionTest {

    @TempDir
    Path data;

    @Test
    void anUnreachableStoreStopsTheRelayAtStartWithAMessageNamingIt() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        long started = System.nanoTime();
        String[] err = new String[1];
        int exit = capturingStderr(err, () -> Launcher.run("relay", "--listen", "127.0.0.1:0", "--data-dir",
                data.toString(), "--store", "redis://127.0.0.1:" + closedPort));
        assertThat(exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(err[0]).contains("fleet store 127.0.0.1:" + closedPort + "/0 cannot be used");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aStoreThatIsNotARedisAddressAndABadFleetNameAreUsageErrors() {
        String[] err = new String[1];
        assertThat(capturingStderr(err, () -> Launcher.run("relay", "--listen", "127.0.0.1:0", "--data-dir",
                data.toString(), "--store", "http://127.0.0.1:6379"))).isEqualTo(ExitCodes.USAGE);
        assertThat(err[0]).contains("--store", "redis://");
        assertThat(capturingStderr(err, () -> Launcher.run("relay", "--listen", "127.0.0.1:0", "--data-dir",
                data.toString(), "--store", "redis://127.0.0.1:6379", "--fleet", "a b"))).isEqualTo(ExitCodes.USAGE);
        assertThat(err[0]).contains("fleet name");
    }

    @Test
    void relayHelpListsTheStoreAndFleetOptions() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out));
        try {
            assertThat(Launcher.run("relay", "--help")).isEqualTo(ExitCodes.OK);
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString()).contains("--store=redis://[:PASSWORD@]HOST:PORT[/DB]", "--fleet=NAME",
                "PUNCHLINE_STORE");
    }

    private static int capturingStderr(String[] text, Supplier<Integer> run) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err));
        try {
            return run.get();
        } finally {
            System.setErr(original);
            text[0] = err.toString();
        }
    }
}
