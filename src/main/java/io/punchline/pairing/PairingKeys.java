package io.punchline.pairing;

import io.punchline.crypto.PeerId;
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
import java.util.Arrays;

/**
 * The keys one pairing code gives both sides (docs/SECURITY.md section 7):
 * <pre>
 *   salt  = ASCII("punchline/1 pairing") || 0x00 || u32(nameplate) || relay PeerId (32)
 *   S     = Argon2id(password = ASCII(words joined by '-'), salt, m = 64 MiB, t = 3, p = 1, 32 bytes)
 *   key_r = HKDF-Expand(HKDF-Extract(salt, S), "punchline/1 pairing key " || role || 0x00, 32)
 *   iv_r  = HKDF-Expand(same PRK,               "punchline/1 pairing iv "  || role || 0x00, 12)
 *   card_r sealed = AES-256-GCM(key_r, iv_r, aad = ASCII("punchline/1 pairing card") || 0x00 || ASCII(role)
 *                                                 || 0x00 || u32(nameplate) || relay PeerId, card)
 * </pre>
 * with role "creator" or "joiner". Each key seals exactly one card, so the fixed IV is used once.
 */
public final class PairingKeys {

    /** Argon2id memory in KiB (64 MiB), passes and lanes: see docs/SECURITY.md section 7 for why. */
    public static final int MEMORY_KIB = 64 * 1024;
    public static final int ITERATIONS = 3;
    public static final int PARALLELISM = 1;
    static final int TAG_BITS = 128;

    private static final String LABEL = "punchline/1 pairing";

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
    private final byte[] creatorKey;
    private final byte[] creatorIv;
    private final byte[] joinerKey;
    private final byte[] joinerIv;

    private PairingKeys(int nameplate, PeerId relay, byte[] prk) {
        this.nameplate = nameplate;
        this.relay = relay;
        this.creatorKey = expand(prk, "punchline/1 pairing key creator", 32);
        this.creatorIv = expand(prk, "punchline/1 pairing iv creator", 12);
        this.joinerKey = expand(prk, "punchline/1 pairing key joiner", 32);
        this.joinerIv = expand(prk, "punchline/1 pairing iv joiner", 12);
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
        PairingKeys keys = new PairingKeys(code.nameplate(), relay, prk);
        Arrays.fill(prk, (byte) 0);
        return keys;
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

    private static byte[] expand(byte[] prk, String label, int length) {
        byte[] info = (label + "\0").getBytes(StandardCharsets.US_ASCII);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(HKDFParameters.skipExtractParameters(prk, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    private byte[] aad(Side side) {
        byte[] label = ("punchline/1 pairing card\0" + side.label + "\0").getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(label.length + 4 + PeerId.LENGTH)
                .put(label).putInt(nameplate).put(relay.bytes()).array();
    }

    /** Seals {@code plaintext} as {@code side}'s card. */
    public byte[] seal(Side side, byte[] plaintext) {
        try {
            return cipher(Cipher.ENCRYPT_MODE, side).doFinal(plaintext);
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
        if (sealed.length < TAG_BITS / 8) {
            throw new PairingException(PairingException.Reason.MALFORMED, "sealed card too short");
        }
        try {
            return cipher(Cipher.DECRYPT_MODE, side).doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new PairingException(PairingException.Reason.WRONG_CODE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is missing", e);
        }
    }

    private Cipher cipher(int mode, Side side) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] key = side == Side.CREATOR ? creatorKey : joinerKey;
        byte[] iv = side == Side.CREATOR ? creatorIv : joinerIv;
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(aad(side));
        return cipher;
    }
}
