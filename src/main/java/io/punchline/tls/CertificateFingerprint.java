package io.punchline.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;

/**
 * The SHA-256 of a certificate's DER encoding, written as unpadded base64url (43 characters). It is what a client
 * pins in a relay address {@code HOST:PORT#FINGERPRINT#RELAY_PEER_ID}.
 */
public record CertificateFingerprint(byte[] sha256) {

    public CertificateFingerprint {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a certificate fingerprint has 32 bytes, not " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    public static CertificateFingerprint of(X509Certificate certificate) {
        try {
            return new CertificateFingerprint(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash certificate", e);
        }
    }

    /** Parses the printed form; throws {@link IllegalArgumentException} with a readable message when it is not one. */
    public static CertificateFingerprint parse(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a certificate fingerprint (base64url expected): " + text);
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException("not a certificate fingerprint (32 bytes expected): " + text);
        }
        return new CertificateFingerprint(bytes);
    }

    public boolean matches(X509Certificate certificate) {
        return MessageDigest.isEqual(sha256, of(certificate).sha256);
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CertificateFingerprint that && Arrays.equals(sha256, that.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256);
    }
}
