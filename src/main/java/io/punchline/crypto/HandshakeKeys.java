package io.punchline.crypto;

import java.security.MessageDigest;

/**
 * The handshake's key schedule: {@code PRK = HKDF-Extract(salt = TH2, IKM = ML-KEM shared secret)}; confirmation keys
 * and the session secret are expanded from it.
 */
final class HandshakeKeys {

    private final byte[] pseudoRandomKey;

    HandshakeKeys(byte[] transcriptHash2, byte[] sharedSecret) {
        this.pseudoRandomKey = KeySchedule.extract(transcriptHash2, sharedSecret);
    }

    /** {@code HMAC-SHA-256(HKDF-Expand(PRK, "punchline/1 confirm <role>", 32), TH || signature)}. */
    byte[] confirmation(Role role, byte[] transcriptHash, byte[] signature) {
        String label = role == Role.LISTENER ? KeySchedule.CONFIRM_LISTENER : KeySchedule.CONFIRM_DIALLER;
        byte[] key = KeySchedule.expand(pseudoRandomKey, label, new byte[0], 32);
        return KeySchedule.hmac(key, transcriptHash, signature);
    }

    boolean confirms(Role role, byte[] transcriptHash, byte[] signature, byte[] received) {
        return MessageDigest.isEqual(confirmation(role, transcriptHash, signature), received);
    }

    /** {@code HKDF-Expand(PRK, "punchline/1 session", TH4, 32)}. */
    byte[] sessionSecret(byte[] transcriptHash4) {
        return KeySchedule.expand(pseudoRandomKey, KeySchedule.SESSION, transcriptHash4, 32);
    }
}
