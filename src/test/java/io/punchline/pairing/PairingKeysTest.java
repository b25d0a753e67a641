package io.punchline.pairing;

import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.testing.Hex;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Argon2id and the sealed-card AEAD of docs/SECURITY.md section 7. */
class PairingKeysTest {

    private static final PeerId RELAY = new PeerId(filled(32, 0x42));
    private static final PairingCode CODE = new PairingCode(7, List.of("velvet", "able", "zoo", "frame"));

    private static byte[] filled(int length, int value) {
        byte[] out = new byte[length];
        Arrays.fill(out, (byte) value);
        return out;
    }

    @Test
    void argon2idMatchesTheRfc9106TestVector() {
        // RFC 9106 section 5.3: Argon2id, m = 32 KiB, t = 3, p = 4, password 32 x 0x01, salt 16 x 0x02,
        // secret 8 x 0x03, associated data 12 x 0x04, tag length 32
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(filled(16, 2)).withSecret(filled(8, 3)).withAdditional(filled(12, 4))
                .withMemoryAsKB(32).withIterations(3).withParallelism(4).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] tag = new byte[32];
        generator.generateBytes(filled(32, 1), tag);
        assertThat(Hex.of(tag))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void ourArgon2idWrapperIsPlainArgon2idVersion13() {
        // the same call without secret and associated data must be stable; a small cost keeps the test fast
        byte[] a = PairingKeys.argon2id("pw".getBytes(StandardCharsets.US_ASCII), filled(16, 2), 32, 3, 1, 32);
        byte[] b = PairingKeys.argon2id("pw".getBytes(StandardCharsets.US_ASCII), filled(16, 2), 32, 3, 1, 32);
        byte[] other = PairingKeys.argon2id("px".getBytes(StandardCharsets.US_ASCII), filled(16, 2), 32, 3, 1, 32);
        assertThat(a).isEqualTo(b).isNotEqualTo(other);
    }

    @Test
    void theDerivationIsDeterministicAndBoundToNameplateAndRelay() throws Exception {
        long start = System.nanoTime();
        PairingKeys creator = PairingKeys.derive(CODE, RELAY);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("Argon2id m=64MiB t=3 p=1: " + millis + " ms");
        PairingKeys joiner = PairingKeys.derive(PairingCode.parse(CODE.toString()), RELAY);
        byte[] sealed = creator.seal(PairingKeys.Side.CREATOR, "card".getBytes(StandardCharsets.US_ASCII));
        assertThat(joiner.open(PairingKeys.Side.CREATOR, sealed)).asString(StandardCharsets.US_ASCII).isEqualTo("card");
        assertThat(joiner.claimProof()).isEqualTo(creator.claimProof()).hasSize(MailboxProtocol.CLAIM_PROOF_LENGTH);
        assertThat(creator.claimCommitment()).isEqualTo(MailboxProtocol.commitment(joiner.claimProof()))
                .isNotEqualTo(creator.claimProof());

        PairingKeys otherNameplate = PairingKeys.derive(new PairingCode(8, CODE.words()), RELAY);
        assertThatThrownBy(() -> otherNameplate.open(PairingKeys.Side.CREATOR, sealed))
                .isInstanceOfSatisfying(PairingException.class,
                        e -> assertThat(e.reason()).isEqualTo(PairingException.Reason.WRONG_CODE));
        PairingKeys otherRelay = PairingKeys.derive(CODE, new PeerId(filled(32, 0x43)));
        assertThatThrownBy(() -> otherRelay.open(PairingKeys.Side.CREATOR, sealed)).isInstanceOf(PairingException.class);
    }

    @Test
    void aWrongCodeATamperedCardAndASwappedRoleAllFailToOpen() throws Exception {
        PairingKeys keys = PairingKeys.derive(CODE, RELAY);
        byte[] sealed = keys.seal(PairingKeys.Side.JOINER, new byte[100]);
        assertThat(keys.open(PairingKeys.Side.JOINER, sealed)).hasSize(100);

        PairingKeys wrong = PairingKeys.derive(new PairingCode(7, List.of("velvet", "able", "zoo", "frog")), RELAY);
        assertThatThrownBy(() -> wrong.open(PairingKeys.Side.JOINER, sealed)).isInstanceOf(PairingException.class);

        for (int i = 0; i < sealed.length; i += 13) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 1;
            assertThatThrownBy(() -> keys.open(PairingKeys.Side.JOINER, tampered)).isInstanceOf(PairingException.class);
        }
        assertThatThrownBy(() -> keys.open(PairingKeys.Side.CREATOR, sealed))
                .as("a joiner's card cannot pass for the creator's").isInstanceOf(PairingException.class);
        assertThatThrownBy(() -> keys.open(PairingKeys.Side.JOINER, new byte[5]))
                .isInstanceOfSatisfying(PairingException.class,
                        e -> assertThat(e.reason()).isEqualTo(PairingException.Reason.MALFORMED));
    }

    @Test
    void creatorAndJoinerKeysDiffer() {
        PairingKeys keys = PairingKeys.derive(CODE, RELAY);
        byte[] plain = new byte[32];
        assertThat(keys.seal(PairingKeys.Side.CREATOR, plain)).isNotEqualTo(keys.seal(PairingKeys.Side.JOINER, plain));
    }

    @Test
    void everySealDrawsItsOwnNonceSoTheSameCardNeverSealsToTheSameBytes() throws Exception {
        PairingKeys keys = PairingKeys.derive(CODE, RELAY);
        byte[] plain = new byte[64];
        byte[] first = keys.seal(PairingKeys.Side.JOINER, plain);
        byte[] second = keys.seal(PairingKeys.Side.JOINER, plain);
        assertThat(first).hasSize(PairingKeys.NONCE_LENGTH + plain.length + PairingKeys.TAG_BITS / 8);
        assertThat(Arrays.copyOf(first, PairingKeys.NONCE_LENGTH)).isNotEqualTo(Arrays.copyOf(second, PairingKeys.NONCE_LENGTH));
        assertThat(Arrays.copyOfRange(first, PairingKeys.NONCE_LENGTH, first.length))
                .isNotEqualTo(Arrays.copyOfRange(second, PairingKeys.NONCE_LENGTH, second.length));
        assertThat(keys.open(PairingKeys.Side.JOINER, first)).isEqualTo(plain);
        assertThat(keys.open(PairingKeys.Side.JOINER, second)).isEqualTo(plain);
        byte[] swapped = first.clone();
        System.arraycopy(second, 0, swapped, 0, PairingKeys.NONCE_LENGTH);
        assertThatThrownBy(() -> keys.open(PairingKeys.Side.JOINER, swapped))
                .as("the nonce is bound to its ciphertext").isInstanceOf(PairingException.class);
    }

    @Test
    void aWrongCodeGivesAnotherClaimProof() {
        PairingKeys right = PairingKeys.derive(CODE, RELAY);
        PairingKeys wrong = PairingKeys.derive(new PairingCode(7, List.of("velvet", "able", "zoo", "frog")), RELAY);
        assertThat(wrong.claimProof()).isNotEqualTo(right.claimProof());
        assertThat(MailboxProtocol.commitment(wrong.claimProof())).isNotEqualTo(right.claimCommitment());
    }

    @Test
    void randomCodesCarryAtLeast38BitsInTheirWords() {
        assertThat(PairingCode.WORDS * (Math.log(PairingWords.SIZE) / Math.log(2))).isGreaterThanOrEqualTo(38.0);
        assertThat(PairingCode.ENTROPY_BITS).isEqualTo(44);
        assertThat(PairingCode.generate(5, new SecureRandom()).words()).hasSize(4);
    }
}
