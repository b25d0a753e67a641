package io.punchline.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * AES-256-GCM for one direction of one stream: one {@link Cipher}, nonces {@code iv XOR (0^32 || sequence(64))} as in
 * TLS 1.3, the record header as additional data, and a key update every {@code recordsPerKey} records:
 * {@code key' = HKDF-Expand(key, "punchline/1 key update", "", 32)}, after which the sequence restarts at 0.
 */
final class RecordCipher {

    static final int KEY_LENGTH = 32;
    static final int IV_LENGTH = 12;
    static final int TAG_LENGTH = 16;

    private final Cipher cipher;
    private final int mode;
    private final byte[] iv;
    private final byte[] nonce = new byte[IV_LENGTH];
    private final long recordsPerKey;
    private byte[] key;
    private SecretKeySpec keySpec;
    private long sequence;

    RecordCipher(int mode, byte[] key, byte[] iv, long recordsPerKey) {
        if (recordsPerKey < 1) {
            throw new IllegalArgumentException("recordsPerKey must be positive");
        }
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing", e);
        }
        this.mode = mode;
        this.key = key.clone();
        this.keySpec = new SecretKeySpec(this.key, "AES");
        this.iv = iv.clone();
        this.recordsPerKey = recordsPerKey;
    }

    /** Encrypts {@code length} bytes (in place works, but is slow in the JDK); returns the ciphertext length including the tag. */
    int seal(byte[] aad, int aadOffset, int aadLength, byte[] in, int offset, int length, byte[] out, int outOffset) {
        try {
            start(aad, aadOffset, aadLength);
            return cipher.doFinal(in, offset, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        } finally {
            advance();
        }
    }

    /** Decrypts and authenticates (in place works, but is slow in the JDK); returns the plaintext length. */
    int open(byte[] aad, int aadOffset, int aadLength, byte[] in, int offset, int length, byte[] out, int outOffset)
            throws AEADBadTagException {
        try {
            start(aad, aadOffset, aadLength);
            return cipher.doFinal(in, offset, length, out, outOffset);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        } finally {
            advance();
        }
    }

    private void start(byte[] aad, int aadOffset, int aadLength) throws GeneralSecurityException {
        System.arraycopy(iv, 0, nonce, 0, IV_LENGTH);
        for (int i = 0; i < 8; i++) {
            nonce[IV_LENGTH - 1 - i] ^= (byte) (sequence >>> (8 * i));
        }
        cipher.init(mode, keySpec, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        cipher.updateAAD(aad, aadOffset, aadLength);
    }

    private void advance() {
        sequence++;
        if (sequence == recordsPerKey) {
            byte[] next = KeySchedule.expand(key, KeySchedule.KEY_UPDATE, new byte[0], KEY_LENGTH);
            Arrays.fill(key, (byte) 0);
            key = next;
            keySpec = new SecretKeySpec(key, "AES");
            sequence = 0;
        }
    }
}
