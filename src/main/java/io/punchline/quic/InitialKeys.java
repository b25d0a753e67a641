package io.punchline.quic;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The packet protection keys of one direction of QUIC v1's Initial packets, RFC 9001 section 5.2, "Initial Secrets":
 * <pre>
 *   initial_secret = HKDF-Extract(0x38762cf7f55934b34d179ae6a4c80cadccbb7f0a, client_dst_connection_id)
 *   client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 *   server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
 * </pre>
 * and from each secret (RFC 9001 section 5.1) the AES-128-GCM key ({@code "quic key"}, 16 bytes), IV ({@code "quic
 * iv"}, 12) and header protection key ({@code "quic hp"}, 16). HKDF-Expand-Label is TLS 1.3's (RFC 8446 section 7.1)
 * with SHA-256. Anyone who saw the client's first Initial knows its Destination Connection ID, so these keys hide
 * nothing from an on-path observer: they only stop off-path tampering.
 *
 * <p>The connection ID is the one from the client's first Initial, or, after a Retry, the Retry's Source Connection ID
 * (RFC 9001 section 5.2: the client's new Initial keys use the new Destination Connection ID).
 *
 * <p>Accessors return copies: an instance cannot be changed.
 */
public record InitialKeys(byte[] key, byte[] iv, byte[] headerProtectionKey) {

    /** RFC 9001 section 5.2, {@code initial_salt} for QUIC version 1. */
    private static final byte[] QUIC_V1_SALT = HexFormat.of().parseHex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");

    /** RFC 9000 section 17.2: a version 1 connection ID is at most 20 bytes. */
    public static final int MAX_CONNECTION_ID_LENGTH = 20;

    public InitialKeys {
        if (key.length != 16 || iv.length != 12 || headerProtectionKey.length != 16) {
            throw new IllegalArgumentException("AES-128-GCM Initial keys are 16, 12 and 16 bytes, not "
                    + key.length + ", " + iv.length + " and " + headerProtectionKey.length);
        }
        key = key.clone();
        iv = iv.clone();
        headerProtectionKey = headerProtectionKey.clone();
    }

    /** Keys protecting the Initial packets the client sends. */
    public static InitialKeys client(byte[] originalDestinationConnectionId) {
        return fromSecret(initialSecret(originalDestinationConnectionId, "client in"));
    }

    /** Keys protecting the Initial packets the server sends. */
    public static InitialKeys server(byte[] originalDestinationConnectionId) {
        return fromSecret(initialSecret(originalDestinationConnectionId, "server in"));
    }

    /** {@code client_initial_secret} or {@code server_initial_secret} (label "client in" or "server in"), 32 bytes. */
    static byte[] initialSecret(byte[] originalDestinationConnectionId, String directionLabel) {
        if (originalDestinationConnectionId.length > MAX_CONNECTION_ID_LENGTH) {
            throw new IllegalArgumentException("a QUIC v1 connection ID is at most 20 bytes, not "
                    + originalDestinationConnectionId.length);
        }
        byte[] initialSecret = new HKDFBytesGenerator(new SHA256Digest())
                .extractPRK(QUIC_V1_SALT, originalDestinationConnectionId);
        return expandLabel(initialSecret, directionLabel, 32);
    }

    private static InitialKeys fromSecret(byte[] secret) {
        return new InitialKeys(expandLabel(secret, "quic key", 16), expandLabel(secret, "quic iv", 12),
                expandLabel(secret, "quic hp", 16));
    }

    /**
     * RFC 8446 section 7.1, HKDF-Expand-Label with an empty context:
     * {@code HKDF-Expand(secret, uint16 length || opaque<7..255> "tls13 " + label || opaque<0..255> "", length)}.
     */
    static byte[] expandLabel(byte[] secret, String label, int length) {
        byte[] fullLabel = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + fullLabel.length + 1];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) fullLabel.length;
        System.arraycopy(fullLabel, 0, info, 3, fullLabel.length);
        // the last byte stays 0: an empty context
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(HKDFParameters.skipExtractParameters(secret, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] iv() {
        return iv.clone();
    }

    @Override
    public byte[] headerProtectionKey() {
        return headerProtectionKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InitialKeys that && Arrays.equals(key, that.key) && Arrays.equals(iv, that.iv)
                && Arrays.equals(headerProtectionKey, that.headerProtectionKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Arrays.hashCode(iv);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "InitialKeys[key=" + hex.formatHex(key) + ", iv=" + hex.formatHex(iv) + ", hp="
                + hex.formatHex(headerProtectionKey) + "]";
    }
}
