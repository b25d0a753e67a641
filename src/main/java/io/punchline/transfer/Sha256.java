package io.punchline.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The transfer layer's SHA-256: the JDK's, which HotSpot runs on the CPU's SHA instructions where there are any (about
 * 2 GB/s on the lab machine, several times BouncyCastle's pure Java digest), so hashing keeps well ahead of the network.
 */
final class Sha256 {

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** The hash of what {@code digest} has seen so far; {@code digest} itself goes on. */
    static byte[] soFar(MessageDigest digest) {
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
        }
    }
}
