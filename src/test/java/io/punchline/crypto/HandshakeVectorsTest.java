package io.punchline.crypto;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fixed randomness gives a fixed handshake: every message, transcript hash and derived key is compared with
 * src/test/resources/vectors/handshake-v1.txt. The computed values are also written to
 * target/vectors/handshake-v1.actual.txt, which is how the file was made (review before replacing it).
 */
class HandshakeVectorsTest {

    static final HexFormat HEX = HexFormat.of();
    static final String DIALLER_SEED = "vector dialler";
    static final String LISTENER_SEED = "vector listener";

    @Test
    void fixedRandomnessGivesTheStoredVectors() throws Exception {
        Map<String, String> actual = compute();
        Path out = Path.of("target", "vectors", "handshake-v1.actual.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, format(actual));
        Map<String, String> expected = parse(read("/vectors/handshake-v1.txt"));
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void aSecondRunReproducesTheSameValues() throws Exception {
        assertThat(compute()).isEqualTo(compute());
    }

    static Map<String, String> compute() throws Exception {
        HandshakeFixture.Run run = HandshakeFixture.run(DIALLER_SEED, LISTENER_SEED);
        byte[] d = run.diallerBytes();
        byte[] l = run.listenerBytes();
        int helloEnd = 3 + DiallerHello.BODY_LENGTH;
        int listenerHelloEnd = 3 + ListenerHello.BODY_LENGTH;
        byte[] diallerHello = Arrays.copyOfRange(d, 0, helloEnd);
        byte[] diallerProof = Arrays.copyOfRange(d, helloEnd, d.length);
        byte[] listenerHello = Arrays.copyOfRange(l, 0, listenerHelloEnd);
        byte[] listenerProof = Arrays.copyOfRange(l, listenerHelloEnd, l.length);

        // The listener draws its encapsulation randomness first, so its DRBG reproduces the shared secret.
        byte[] encapsulationKey = Arrays.copyOfRange(diallerHello, 3 + 2 + 32, 3 + 2 + 32 + 1184);
        MlKem768.Encapsulation encapsulation = MlKem768.encapsulate(encapsulationKey, new CounterDrbg(LISTENER_SEED));
        assertThat(Arrays.copyOfRange(listenerHello, 3 + 2 + 32, 3 + 2 + 32 + 1088))
                .isEqualTo(encapsulation.ciphertext());

        Transcript transcript = new Transcript(PeerHandshake.transcriptPrefix());
        transcript.absorb(diallerHello);
        transcript.absorb(listenerHello);
        byte[] hash2 = transcript.hash();
        transcript.absorb(listenerProof);
        byte[] hash3 = transcript.hash();
        transcript.absorb(diallerProof);
        byte[] hash4 = transcript.hash();
        SessionSecrets secrets = run.dialler();
        assertThat(secrets.transcriptHash()).isEqualTo(hash4);
        assertThat(run.listener().sessionSecret()).isEqualTo(secrets.sessionSecret());

        Map<String, String> v = new LinkedHashMap<>();
        v.put("dialler_identity_drbg", "vector dialler identity");
        v.put("listener_identity_drbg", "vector listener identity");
        v.put("dialler_drbg", DIALLER_SEED);
        v.put("listener_drbg", LISTENER_SEED);
        v.put("dialler_public_key", HEX.formatHex(HandshakeFixture.DIALLER.publicKey()));
        v.put("listener_public_key", HEX.formatHex(HandshakeFixture.LISTENER.publicKey()));
        v.put("dialler_peer_id", HandshakeFixture.DIALLER.peerId().fingerprint());
        v.put("listener_peer_id", HandshakeFixture.LISTENER.peerId().fingerprint());
        v.put("dialler_hello", HEX.formatHex(diallerHello));
        v.put("listener_hello", HEX.formatHex(listenerHello));
        v.put("listener_proof", HEX.formatHex(listenerProof));
        v.put("dialler_proof", HEX.formatHex(diallerProof));
        v.put("mlkem_shared_secret", HEX.formatHex(encapsulation.sharedSecret()));
        v.put("transcript_hash_2", HEX.formatHex(hash2));
        v.put("prk", HEX.formatHex(KeySchedule.extract(hash2, encapsulation.sharedSecret())));
        v.put("transcript_hash_3", HEX.formatHex(hash3));
        v.put("transcript_hash_4", HEX.formatHex(hash4));
        v.put("session_secret", HEX.formatHex(secrets.sessionSecret()));
        v.put("stream_0_dialler_to_listener_key", HEX.formatHex(secrets.streamKey(0, Role.Direction.DIALLER_TO_LISTENER)));
        v.put("stream_0_dialler_to_listener_iv", HEX.formatHex(secrets.streamIv(0, Role.Direction.DIALLER_TO_LISTENER)));
        v.put("stream_0_listener_to_dialler_key", HEX.formatHex(secrets.streamKey(0, Role.Direction.LISTENER_TO_DIALLER)));
        v.put("stream_0_listener_to_dialler_iv", HEX.formatHex(secrets.streamIv(0, Role.Direction.LISTENER_TO_DIALLER)));
        v.put("stream_0_dialler_to_listener_key_after_update", HEX.formatHex(KeySchedule.expand(
                secrets.streamKey(0, Role.Direction.DIALLER_TO_LISTENER), KeySchedule.KEY_UPDATE, new byte[0], 32)));
        v.put("probe_mac_key", HEX.formatHex(secrets.probeMacKey()));
        v.put("export_test_32", HEX.formatHex(secrets.deriveKey("test", 32)));
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        try (SecureOutputStream out = secrets.secureOutput(0, records)) {
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            out.write(", world".getBytes(StandardCharsets.US_ASCII));
        }
        v.put("stream_0_plaintext", "hello|, world");
        v.put("stream_0_records", HEX.formatHex(records.toByteArray()));
        assertThat(new String(run.listener().secureInput(0, new ByteArrayInputStream(records.toByteArray()))
                .readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello, world");
        return v;
    }

    static String format(Map<String, String> values) {
        StringBuilder out = new StringBuilder("# Punchline peer handshake, protocol version 1: test vectors.\n"
                + "# Randomness: CounterDrbg (src/test/java/io/punchline/crypto/CounterDrbg.java) seeded with the\n"
                + "# *_drbg labels. Layouts and derivations: docs/SECURITY.md. Hex unless noted.\n");
        values.forEach((key, value) -> out.append(key).append(" = ").append(value).append('\n'));
        return out.toString();
    }

    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf(" = ");
            out.put(line.substring(0, eq), line.substring(eq + 3));
        }
        return out;
    }

    static String read(String resource) throws IOException {
        try (InputStream in = HandshakeVectorsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource + " (copy target/vectors/handshake-v1.actual.txt after review)").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
