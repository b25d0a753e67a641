package io.punchline.cli;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.TypeConversionException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void relayHelpListsTheMetricsAndLogFormatOptions() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out));
        try {
            assertThat(Launcher.run("relay", "--help")).isEqualTo(ExitCodes.OK);
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString()).contains("--metrics=[HOST:]PORT", "/healthz", "/metrics", "loopback",
                "--log-format=FORMAT", "json");
    }

    @Test
    void aMetricsPortAloneMeansLoopbackAndHostPortIsTakenAsGiven() {
        RelayCommand.MonitoringAddress converter = new RelayCommand.MonitoringAddress();
        assertThat(converter.convert("9464")).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9464));
        assertThat(converter.convert("0.0.0.0:9464").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(converter.convert("[::1]:9464").getPort()).isEqualTo(9464);
        assertThatThrownBy(() -> converter.convert("70000")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> converter.convert("12345678901")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void anUnknownLogFormatIsAUsageError() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream()));
        try {
            assertThat(Launcher.run("relay", "--listen", "127.0.0.1:0", "--log-format", "xml"))
                    .isEqualTo(ExitCodes.USAGE);
        } finally {
            System.setErr(original);
        }
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
