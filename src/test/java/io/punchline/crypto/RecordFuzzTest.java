package io.punchline.crypto;

import io.punchline.testing.FuzzBudget;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The record parser sees random and mutated input: only RecordException, and only authenticated plaintext. */
@AddLifecycleHook(FuzzBudget.class)
class RecordFuzzTest {

    static final int RECORD = RecordType.HEADER_LENGTH + RecordType.MAX_CIPHERTEXT;
    static final byte[] DATA = new byte[3 * 16384 + 777];
    static SessionSecrets dialler;
    static SessionSecrets listener;
    static byte[] wire;

    @BeforeContainer
    static void writeStream() throws Exception {
        HandshakeFixture.Run run = HandshakeFixture.run("record fuzz dialler", "record fuzz listener");
        dialler = run.dialler();
        listener = run.listener();
        new Random(7).nextBytes(DATA);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SecureOutputStream secure = dialler.secureOutput(0, out)) {
            secure.write(DATA);
        }
        wire = out.toByteArray();
    }

    static SecureInputStream reader(byte[] bytes) {
        Role.Direction direction = Role.Direction.DIALLER_TO_LISTENER;
        return new SecureInputStream(new ByteArrayInputStream(bytes), listener.streamKey(0, direction),
                listener.streamIv(0, direction), SessionSecrets.RECORDS_PER_KEY);
    }

    /** Reads until failure; returns what was released before it. */
    static byte[] readUntilFailure(SecureInputStream in) {
        ByteArrayOutputStream released = new ByteArrayOutputStream();
        byte[] buffer = new byte[5000];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                released.write(buffer, 0, n);
            }
        } catch (RecordException expected) {
            return released.toByteArray();
        } catch (IOException e) {
            throw new AssertionError("undeclared IOException", e);
        }
        throw new AssertionError("stream was accepted");
    }

    @Property(tries = 1000)
    void randomBytesAreNeverAccepted(@ForAll @Size(max = 40_000) byte[] bytes) {
        assertThat(readUntilFailure(reader(bytes))).isEmpty();
    }

    @Property(tries = 1000)
    void anyAlteredByteFailsAndReleasesOnlyEarlierRecords(@ForAll @IntRange(min = 0, max = 50_000) int position,
                                                          @ForAll @IntRange(min = 1, max = 255) int xor) {
        int index = position % wire.length;
        byte[] bytes = wire.clone();
        bytes[index] ^= (byte) xor;
        byte[] released = readUntilFailure(reader(bytes));
        int intactRecords = index / RECORD;
        assertThat(released.length).isLessThanOrEqualTo(intactRecords * RecordType.MAX_PLAINTEXT);
        assertThat(released).isEqualTo(Arrays.copyOf(DATA, released.length));
    }

    @Property(tries = 300)
    void anyCutFailsAndReleasesOnlyCompleteRecords(@ForAll @IntRange(min = 0, max = 50_000) int position) {
        int cut = position % wire.length;
        byte[] released = readUntilFailure(reader(Arrays.copyOf(wire, cut)));
        assertThat(released.length).isLessThanOrEqualTo(cut / RECORD * RecordType.MAX_PLAINTEXT);
        assertThat(released).isEqualTo(Arrays.copyOf(DATA, released.length));
    }
}
