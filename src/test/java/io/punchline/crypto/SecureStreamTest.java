package io.punchline.crypto;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;

import static io.punchline.crypto.RecordException.Reason.BAD_TAG;
import static io.punchline.crypto.RecordException.Reason.MALFORMED;
import static io.punchline.crypto.RecordException.Reason.OVERSIZED;
import static io.punchline.crypto.RecordException.Reason.TRUNCATED;
import static io.punchline.crypto.RecordException.Reason.UNEXPECTED_EOF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecureStreamTest {

    static final int RECORD = RecordType.HEADER_LENGTH + RecordType.MAX_CIPHERTEXT;
    static SessionSecrets dialler;
    static SessionSecrets listener;
    static long nextStream = 0;

    @BeforeAll
    static void handshake() throws Exception {
        HandshakeFixture.Run run = HandshakeFixture.run("stream dialler", "stream listener");
        dialler = run.dialler();
        listener = run.listener();
    }

    /** Writes {@code data} on a fresh stream ID in writes of {@code chunk} bytes; returns stream ID and wire bytes. */
    static Wire write(byte[] data, int chunk, long recordsPerKey) throws IOException {
        long stream = nextStream += 4;
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (SecureOutputStream out = dialler.secureOutput(stream, wire, recordsPerKey)) {
            for (int i = 0; i < data.length; i += chunk) {
                out.write(data, i, Math.min(chunk, data.length - i));
            }
        }
        return new Wire(stream, wire.toByteArray());
    }

    record Wire(long stream, byte[] bytes) {
        SecureInputStream reader(byte[] wire, long recordsPerKey) {
            // Built directly so one test can read the same stream twice; SessionSecrets allows one reader per stream.
            Role.Direction direction = Role.Direction.DIALLER_TO_LISTENER;
            return new SecureInputStream(new ByteArrayInputStream(wire), listener.streamKey(stream, direction),
                    listener.streamIv(stream, direction), recordsPerKey);
        }
    }

    static byte[] data(int length) {
        byte[] out = new byte[length];
        new Random(length).nextBytes(out);
        return out;
    }

    @Test
    void roundTripsAnySizeInAnyWriteSize() throws IOException {
        for (int length : new int[]{0, 1, 16383, 16384, 16385, 100_000}) {
            for (int chunk : new int[]{1, 1000, 16384, 70_000}) {
                if (length > 20_000 && chunk == 1) {
                    continue;
                }
                byte[] data = data(length);
                Wire wire = write(data, chunk, SessionSecrets.RECORDS_PER_KEY);
                assertThat(wire.reader(wire.bytes(), SessionSecrets.RECORDS_PER_KEY).readAllBytes()).isEqualTo(data);
            }
        }
    }

    @Test
    void recordsSplitAtAnyReadSizeStillOpen() throws IOException {
        byte[] data = data(40_000);
        Wire wire = write(data, 5000, SessionSecrets.RECORDS_PER_KEY);
        for (int step : new int[]{1, 2, 3, 7, 1000, 16403}) {
            Role.Direction direction = Role.Direction.DIALLER_TO_LISTENER;
            SecureInputStream in = new SecureInputStream(new TrickleInputStream(wire.bytes(), step),
                    listener.streamKey(wire.stream(), direction), listener.streamIv(wire.stream(), direction),
                    SessionSecrets.RECORDS_PER_KEY);
            assertThat(in.readAllBytes()).as("read step " + step).isEqualTo(data);
        }
    }

    @Test
    void fullRecordsCarry16KiBAndEndIsTheLastRecord() throws IOException {
        Wire wire = write(data(2 * 16384 + 10), 70_000, SessionSecrets.RECORDS_PER_KEY);
        assertThat(wire.bytes()).hasSize(2 * RECORD + 3 + 10 + 16);
        assertThat(wire.bytes()[0]).isEqualTo((byte) RecordType.DATA);
        assertThat(wire.bytes()[2 * RECORD]).isEqualTo((byte) RecordType.END);
    }

    @Test
    void smallWritesWaitForFlushWhichSendsAShortRecord() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SecureOutputStream out = dialler.secureOutput(nextStream += 4, wire);
        out.write(new byte[]{1, 2, 3});
        out.write(4);
        assertThat(wire.size()).isZero();
        out.flush();
        assertThat(wire.size()).isEqualTo(3 + 4 + 16);
        out.flush();
        assertThat(wire.size()).as("an empty flush sends nothing").isEqualTo(3 + 4 + 16);
    }

    @Test
    void bothDirectionsOfOneStreamUseDifferentKeys() throws IOException {
        long stream = nextStream += 4;
        ByteArrayOutputStream fromDialler = new ByteArrayOutputStream();
        ByteArrayOutputStream fromListener = new ByteArrayOutputStream();
        try (OutputStream a = dialler.secureOutput(stream, fromDialler);
             OutputStream b = listener.secureOutput(stream, fromListener)) {
            a.write(new byte[100]);
            b.write(new byte[100]);
        }
        assertThat(fromDialler.toByteArray()).isNotEqualTo(fromListener.toByteArray());
        assertThat(dialler.secureInput(stream, new ByteArrayInputStream(fromListener.toByteArray())).readAllBytes())
                .hasSize(100);
    }

    @Test
    void aStreamDirectionCannotBeOpenedTwice() {
        long stream = nextStream += 4;
        dialler.secureOutput(stream, new ByteArrayOutputStream());
        assertThatThrownBy(() -> dialler.secureOutput(stream, new ByteArrayOutputStream()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keysAreUpdatedAfterTheRecordBound() throws IOException {
        byte[] data = data(10 * 16384);
        Wire wire = write(data, 16384, 3);
        assertThat(wire.reader(wire.bytes(), 3).readAllBytes()).isEqualTo(data);
        SecureInputStream unaware = wire.reader(wire.bytes(), SessionSecrets.RECORDS_PER_KEY);
        byte[] firstThree = unaware.readNBytes(3 * 16384);
        assertThat(firstThree).isEqualTo(Arrays.copyOf(data, 3 * 16384));
        assertRecordFailure(unaware, BAD_TAG);
    }

    @Test
    void flippedCiphertextBitReleasesNothing() throws IOException {
        Wire wire = write(data(1000), 1000, SessionSecrets.RECORDS_PER_KEY);
        byte[] bytes = wire.bytes();
        bytes[3 + 500] ^= 0x10;
        assertRecordFailure(wire.reader(bytes, SessionSecrets.RECORDS_PER_KEY), BAD_TAG);
    }

    @Test
    void flippedRecordTypeReleasesNothing() throws IOException {
        Wire wire = write(data(10), 10, SessionSecrets.RECORDS_PER_KEY);
        byte[] bytes = wire.bytes();
        bytes[0] = RecordType.DATA;
        assertRecordFailure(wire.reader(bytes, SessionSecrets.RECORDS_PER_KEY), BAD_TAG);
    }

    @Test
    void reorderedRecordsFail() throws IOException {
        Wire wire = write(data(3 * 16384), 16384, SessionSecrets.RECORDS_PER_KEY);
        byte[] bytes = wire.bytes();
        byte[] swapped = bytes.clone();
        System.arraycopy(bytes, RECORD, swapped, 0, RECORD);
        System.arraycopy(bytes, 0, swapped, RECORD, RECORD);
        assertRecordFailure(wire.reader(swapped, SessionSecrets.RECORDS_PER_KEY), BAD_TAG);
    }

    @Test
    void missingEndRecordIsTruncation() throws IOException {
        byte[] data = data(2 * 16384 + 5);
        Wire wire = write(data, 70_000, SessionSecrets.RECORDS_PER_KEY);
        SecureInputStream in = wire.reader(Arrays.copyOf(wire.bytes(), 2 * RECORD), SessionSecrets.RECORDS_PER_KEY);
        assertThat(in.readNBytes(2 * 16384)).isEqualTo(Arrays.copyOf(data, 2 * 16384));
        assertRecordFailure(in, TRUNCATED);
    }

    @Test
    void streamCutInsideARecordIsUnexpectedEof() throws IOException {
        Wire wire = write(data(100), 100, SessionSecrets.RECORDS_PER_KEY);
        assertRecordFailure(wire.reader(Arrays.copyOf(wire.bytes(), 50), SessionSecrets.RECORDS_PER_KEY),
                UNEXPECTED_EOF);
        assertRecordFailure(wire.reader(Arrays.copyOf(wire.bytes(), 2), SessionSecrets.RECORDS_PER_KEY),
                UNEXPECTED_EOF);
    }

    @Test
    void oversizedRecordLengthIsRefusedBeforeReading() throws IOException {
        long stream = nextStream += 4;
        int length = RecordType.MAX_CIPHERTEXT + 1;
        byte[] header = {RecordType.DATA, (byte) (length >>> 8), (byte) length};
        InputStream raw = new java.io.SequenceInputStream(new ByteArrayInputStream(header), neverEnding());
        assertRecordFailure(listener.secureInput(stream, raw), OVERSIZED);
    }

    @Test
    void unknownRecordTypeAndTooShortLengthAreMalformed() throws IOException {
        assertRecordFailure(listener.secureInput(nextStream += 4, new ByteArrayInputStream(new byte[]{0x42, 0, 16})),
                MALFORMED);
        assertRecordFailure(listener.secureInput(nextStream += 4,
                new ByteArrayInputStream(new byte[]{RecordType.DATA, 0, 15})), MALFORMED);
    }

    @Test
    void aFailedStreamStaysFailed() throws IOException {
        Wire wire = write(data(100), 100, SessionSecrets.RECORDS_PER_KEY);
        byte[] bytes = wire.bytes();
        bytes[10] ^= 1;
        SecureInputStream in = wire.reader(bytes, SessionSecrets.RECORDS_PER_KEY);
        assertRecordFailure(in, BAD_TAG);
        assertRecordFailure(in, BAD_TAG);
    }

    @Test
    void recordsOfAnotherStreamFail() throws IOException {
        Wire wire = write(data(100), 100, SessionSecrets.RECORDS_PER_KEY);
        assertRecordFailure(listener.secureInput(nextStream += 4, new ByteArrayInputStream(wire.bytes())), BAD_TAG);
    }

    /** Reads until failure; asserts the reason and that no byte of the failing record reached the caller. */
    static void assertRecordFailure(InputStream in, RecordException.Reason reason) {
        byte[] buffer = new byte[RecordType.MAX_PLAINTEXT];
        assertThatThrownBy(() -> {
            int n = in.read(buffer);
            throw new AssertionError("read returned " + n + " instead of failing");
        }).isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(buffer).containsOnly(0);
    }

    static InputStream neverEnding() {
        return new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the record body must not be read");
            }
        };
    }
}
