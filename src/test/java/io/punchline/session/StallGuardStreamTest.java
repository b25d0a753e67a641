package io.punchline.session;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chunk framing under every peer stream (kwik stall workaround). */
class StallGuardStreamTest {

    @Test
    void writesAreSplitIntoChunksThatFitOneStreamFrameAndReadBackWhole() throws IOException {
        byte[] data = new byte[10_000];
        new Random(1).nextBytes(data);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int[] largestWrite = {0};
        OutputStream kwik = new OutputStream() {
            @Override
            public void write(int b) {
                wire.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                largestWrite[0] = Math.max(largestWrite[0], len);
                wire.write(b, off, len);
            }
        };
        try (StallGuardOutputStream out = new StallGuardOutputStream(kwik)) {
            out.write(data);
        }
        assertThat(largestWrite[0]).isLessThanOrEqualTo(2 + StallGuardOutputStream.MAX_CHUNK);
        InputStream in = new StallGuardInputStream(new ByteArrayInputStream(wire.toByteArray()));
        assertThat(in.readAllBytes()).isEqualTo(data);
    }

    @Test
    void emptyChunksWrittenToReArmTheSenderAreSkippedByTheReader() throws IOException {
        byte[] wire = {0, 0, 3, 'a', 'b', 'c', 0, 1, 'd', 0};
        assertThat(new StallGuardInputStream(new ByteArrayInputStream(wire)).readAllBytes()).isEqualTo("abcd".getBytes());
    }

    @Test
    void aChunkLongerThanTheMaximumIsRefused() {
        byte[] wire = {0x44, 0x01, 1, 2, 3}; // length 1025
        assertThatThrownBy(() -> new StallGuardInputStream(new ByteArrayInputStream(wire)).readAllBytes())
                .isInstanceOf(IOException.class).hasMessageContaining("exceeds");
    }

    @Test
    void aStreamEndingInsideAChunkIsAnError() {
        byte[] wire = {5, 'a', 'b'};
        assertThatThrownBy(() -> new StallGuardInputStream(new ByteArrayInputStream(wire)).readAllBytes())
                .isInstanceOf(EOFException.class);
    }

    @Test
    void theWatchdogWritesAnEmptyChunkWhenTheStreamGoesQuietAfterAWrite() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        StallGuardOutputStream out = new StallGuardOutputStream(wire);
        out.write(new byte[]{7});
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (out.nudges() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        out.close();
        assertThat(out.nudges()).isGreaterThanOrEqualTo(1);
        byte[] bytes = wire.toByteArray();
        assertThat(Arrays.copyOf(bytes, 2)).containsExactly(1, 7);
        assertThat(bytes[2]).isZero();
        assertThat(new StallGuardInputStream(new ByteArrayInputStream(bytes)).readAllBytes()).containsExactly(7);
    }
}
