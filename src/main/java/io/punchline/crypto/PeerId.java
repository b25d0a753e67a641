package io.punchline.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Who a peer is: SHA-256 of its encoded ML-DSA-65 public key (FIPS 204 pkEncode, 1952 bytes).
 *
 * <p>Shown to people as a fingerprint: the 32 bytes in lower-case RFC 4648 base32 without padding (52 characters,
 * the last one carrying the final bit followed by four zero bits), in 13 groups of 4 joined by '-'. The short form
 * is the first two groups (40 bits): enough to tell peers apart on screen, never enough to authenticate one.
 */
public record PeerId(byte[] bytes) {

    public static final int LENGTH = 32;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int BASE32_LENGTH = 52;
    private static final int GROUP = 4;
    private static final int SHORT_GROUPS = 2;

    public PeerId {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a PeerId has " + LENGTH + " bytes");
        }
        bytes = bytes.clone();
    }

    /** The PeerId of an encoded ML-DSA-65 public key. */
    public static PeerId of(byte[] encodedPublicKey) {
        try {
            return new PeerId(MessageDigest.getInstance("SHA-256").digest(encodedPublicKey));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The full fingerprint, e.g. {@code mfrg-gzdf-...-q}: 13 groups of 4 base32 characters. */
    public String fingerprint() {
        String base32 = base32();
        StringBuilder out = new StringBuilder(BASE32_LENGTH + BASE32_LENGTH / GROUP);
        for (int i = 0; i < BASE32_LENGTH; i += GROUP) {
            if (i > 0) {
                out.append('-');
            }
            out.append(base32, i, i + GROUP);
        }
        return out.toString();
    }

    /** The first two groups of the fingerprint, for lists in a UI. Not for authentication. */
    public String shortFingerprint() {
        return shortFingerprint(fingerprint());
    }

    /**
     * The short form of a fingerprint held as text (the window's models and events carry fingerprints as strings):
     * its first two groups; text no longer than that, or null, comes back unchanged. The one place a fingerprint is
     * cut for display.
     */
    public static String shortFingerprint(String fingerprint) {
        int length = SHORT_GROUPS * (GROUP + 1) - 1;
        return fingerprint == null || fingerprint.length() <= length ? fingerprint : fingerprint.substring(0, length);
    }

    /**
     * Parses a full fingerprint strictly: exactly 13 groups of 4 lower- or upper-case base32 characters separated by
     * single '-', and zero padding bits. Anything else is refused.
     */
    public static PeerId parse(String fingerprint) {
        int expected = BASE32_LENGTH + BASE32_LENGTH / GROUP - 1;
        if (fingerprint == null || fingerprint.length() != expected) {
            throw new IllegalArgumentException("a fingerprint has " + expected + " characters");
        }
        byte[] out = new byte[LENGTH];
        long buffer = 0;
        int bits = 0;
        int written = 0;
        for (int i = 0; i < fingerprint.length(); i++) {
            char c = fingerprint.charAt(i);
            if (i % (GROUP + 1) == GROUP) {
                if (c != '-') {
                    throw new IllegalArgumentException("expected '-' at position " + i);
                }
                continue;
            }
            int value = ALPHABET.indexOf(Character.toLowerCase(c));
            if (value < 0 || c > 127) {
                throw new IllegalArgumentException("not a base32 character at position " + i);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[written++] = (byte) (buffer >>> bits);
                buffer &= (1L << bits) - 1;
            }
        }
        if (buffer != 0) {
            throw new IllegalArgumentException("non-zero padding bits in fingerprint");
        }
        return new PeerId(out);
    }

    private String base32() {
        StringBuilder out = new StringBuilder(BASE32_LENGTH);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(ALPHABET.charAt((buffer >>> bits) & 31));
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerId that && MessageDigest.isEqual(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "PeerId[" + fingerprint() + "]";
    }
}
