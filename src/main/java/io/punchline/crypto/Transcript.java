package io.punchline.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A running SHA-256 over the handshake's bytes; {@link #hash()} is the hash of everything absorbed so far. */
final class Transcript {

    private final MessageDigest digest;

    Transcript(byte[] prefix) {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
        digest.update(prefix);
    }

    void absorb(byte[] bytes) {
        digest.update(bytes);
    }

    byte[] hash() {
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }
}
