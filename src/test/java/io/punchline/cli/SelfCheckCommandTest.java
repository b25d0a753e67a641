package io.punchline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class SelfCheckCommandTest {

    @Test
    void selfCheckMovesVerifiedDataBetweenTwoInProcessEnginesAndPrintsOk() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(Launcher.run("self-check", "--bytes", "20000")).isEqualTo(ExitCodes.OK);
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString()).startsWith("OK: ").contains("20000 bytes verified")
                .contains("native QUIC with TLS group X25519MLKEM768");
    }
}
