package io.punchline.pairing;

import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The keys one pairing code gives both sides (docs/SECURITY.md section 7.2):
 * <pre>
 *   salt    = ASCII("punchline/1 pairing") || 0x00 || u32(nameplate) || relay PeerId (32)
 *   S       = Argon2id(password = ASCII(words joined by '-'), salt, m = 64 MiB, t = 3, p = 1, 32 bytes)
 *   PRK     = HKDF-Extract(salt, S)
 *   proof   = HKDF-Expand(PRK, "punchline/1 pairing claim" || 0x00, 32)     the joiner shows it when claiming
 *   commitment = SHA-256(proof)                                             the creator deposits it with its card
 *   n       = 32 fresh random bytes for every seal, sent in the clear
 *   key_r,n = HKDF-Expand(PRK, "punchline/1 pairing seal key " || role || 0x00 || n, 32)
 *   iv_r,n  = HKDF-Expand(PRK, "punchline/1 pairing seal iv "  || role || 0x00 || n, 12)
 *   sealed  = n || AES-256-GCM(key_r,n, iv_r,n, aad = ASCII("punchline/1 pairing card") || 0x00 || ASCII(role)
 *                                               || 0x00 || u32(nameplate) || relay PeerId || n, card)
 * </pre>
 * with role "creator" or "joiner". One Argon2id per side gives everything; every seal draws its own n, so no key and IV
 * ever seal twice, even when the same code seals again (a joiner that retries, a relay that serves a claim twice).
 */
public final class PairingKeys {

    /** Argon2id memory in KiB (64 MiB), passes and lanes: see docs/SECURITY.md section 7 for why. */
    public static final int MEMORY_KIB = 64 * 1024;
    public static final int ITERATIONS = 3;
    public static final int PARALLELISM = 1;
    /** Length of the fresh random value that starts every sealed card. */
    public static final int NONCE_LENGTH = 32;
    static final int TAG_BITS = 128;

    private static final String LABEL = "punchline/1 pairing";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Which side sealed a card. */
    public enum Side {
        CREATOR("creator"), JOINER("joiner");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    private final int nameplate;
    private final PeerId relay;
    private final byte[] prk;

    private PairingKeys(int nameplate, PeerId relay, byte[] prk) {
        this.nameplate = nameplate;
        this.relay = relay;
        this.prk = prk;
    }

    /** Runs Argon2id on {@code code} for the mailbox of {@code relay} (about a quarter to half a second). */
    public static PairingKeys derive(PairingCode code, PeerId relay) {
        byte[] salt = salt(code.nameplate(), relay);
        byte[] password = code.secret().getBytes(StandardCharsets.US_ASCII);
        byte[] stretched = argon2id(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, 32);
        Arrays.fill(password, (byte) 0);
        HKDFBytesGenerator extract = new HKDFBytesGenerator(new SHA256Digest());
        byte[] prk = extract.extractPRK(salt, stretched);
        Arrays.fill(stretched, (byte) 0);
        return new PairingKeys(code.nameplate(), relay, prk);
    }

    /**
     * {@link #derive(PairingCode, PeerId)} on a daemon thread of its own ({@code pairing-argon2id}), started at once:
     * a joiner knows the code and its relay's PeerId before its engine has connected (see {@link PreparedJoin}).
     */
    public static CompletableFuture<PairingKeys> deriveAsync(PairingCode code, PeerId relay) {
        Objects.requireNonNull(code);
        Objects.requireNonNull(relay);
        return CompletableFuture.supplyAsync(() -> derive(code, relay), task -> {
            Thread thread = new Thread(task, "pairing-argon2id");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** The nameplate these keys are for. */
    public int nameplate() {
        return nameplate;
    }

    /** The relay whose mailbox these keys are for. */
    public PeerId relay() {
        return relay;
    }

    static byte[] salt(int nameplate, PeerId relay) {
        byte[] label = LABEL.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(label.length + 1 + 4 + PeerId.LENGTH)
                .put(label).put((byte) 0).putInt(nameplate).put(relay.bytes()).array();
    }

    /** Argon2id (RFC 9106, version 0x13) through BouncyCastle. */
    static byte[] argon2id(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    /** What the joiner shows the relay to claim the nameplate: proof that it knows the code. */
    public byte[] claimProof() {
        return expand(prk, "punchline/1 pairing claim", new byte[0], MailboxProtocol.CLAIM_PROOF_LENGTH);
    }

    /** What the creator deposits so the relay can check a claim proof: its SHA-256. */
    public byte[] claimCommitment() {
        return MailboxProtocol.commitment(claimProof());
    }

    private static byte[] expand(byte[] prk, String label, byte[] context, int length) {
        byte[] prefix = (label + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] info = ByteBuffer.allocate(prefix.length + context.length).put(prefix).put(context).array();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(HKDFParameters.skipExtractParameters(prk, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    private byte[] aad(Side side, byte[] nonce) {
        byte[] label = ("punchline/1 pairing card\0" + side.label + "\0").getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(label.length + 4 + PeerId.LENGTH + nonce.length)
                .put(label).putInt(nameplate).put(relay.bytes()).put(nonce).array();
    }

    /** Seals {@code plaintext} as {@code side}'s card under a fresh random value. */
    public byte[] seal(Side side, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return seal(side, plaintext, nonce);
    }

    private byte[] seal(Side side, byte[] plaintext, byte[] nonce) {
        try {
            byte[] ciphertext = cipher(Cipher.ENCRYPT_MODE, side, nonce).doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_LENGTH + ciphertext.length).put(nonce).put(ciphertext).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is missing", e);
        }
    }

    /**
     * Opens {@code side}'s sealed card.
     *
     * @throws PairingException WRONG_CODE when it does not open: another code, another side, or altered in transit
     */
    public byte[] open(Side side, byte[] sealed) throws PairingException {
        if (sealed.length < NONCE_LENGTH + TAG_BITS / 8) {
            throw new PairingException(PairingException.Reason.MALFORMED, "sealed card too short");
        }
        byte[] nonce = Arrays.copyOf(sealed, NONCE_LENGTH);
        try {
            return cipher(Cipher.DECRYPT_MODE, side, nonce).doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw new PairingException(PairingException.Reason.WRONG_CODE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is missing", e);
        }
    }

    private Cipher cipher(int mode, Side side, byte[] nonce) throws GeneralSecurityException {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("a seal's nonce has " + NONCE_LENGTH + " bytes");
        }
        byte[] key = expand(prk, "punchline/1 pairing seal key " + side.label, nonce, 32);
        byte[] iv = expand(prk, "punchline/1 pairing seal iv " + side.label, nonce, 12);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, iv));
        Arrays.fill(key, (byte) 0);
        cipher.updateAAD(aad(side, nonce));
        return cipher;
    }
}
