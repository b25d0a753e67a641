package io.punchline.quic;

import java.util.Map;

/**
 * A TLS 1.3 key-exchange group: its NamedGroup codepoint (RFC 8446 section 4.2.7) and its name in the IANA "TLS
 * Supported Groups" registry. Codepoints without a name here are named {@code "0xNNNN"}.
 */
public record TlsGroup(int codepoint, String name) {

    public static final TlsGroup SECP256R1 = new TlsGroup(0x0017, "secp256r1");
    public static final TlsGroup SECP384R1 = new TlsGroup(0x0018, "secp384r1");
    public static final TlsGroup SECP521R1 = new TlsGroup(0x0019, "secp521r1");
    public static final TlsGroup X25519 = new TlsGroup(0x001D, "x25519");
    public static final TlsGroup X448 = new TlsGroup(0x001E, "x448");
    /** draft-ietf-tls-ecdhe-mlkem: secp256r1 ECDH combined with ML-KEM-768. */
    public static final TlsGroup SECP256R1_MLKEM768 = new TlsGroup(0x11EB, "SecP256r1MLKEM768");
    /** draft-ietf-tls-ecdhe-mlkem: X25519 combined with ML-KEM-768, the hybrid Punchline offers first (4588). */
    public static final TlsGroup X25519_MLKEM768 = new TlsGroup(0x11EC, "X25519MLKEM768");
    /** draft-ietf-tls-ecdhe-mlkem: secp384r1 ECDH combined with ML-KEM-1024. */
    public static final TlsGroup SECP384R1_MLKEM1024 = new TlsGroup(0x11ED, "SecP384r1MLKEM1024");
    /** The pre-standard X25519 + Kyber-768 hybrid (draft-tls-westerbaan-xyber768d00), obsolete. */
    public static final TlsGroup X25519_KYBER768_DRAFT00 = new TlsGroup(0x6399, "X25519Kyber768Draft00");

    private static final Map<Integer, TlsGroup> KNOWN = Map.of(
            SECP256R1.codepoint, SECP256R1, SECP384R1.codepoint, SECP384R1, SECP521R1.codepoint, SECP521R1,
            X25519.codepoint, X25519, X448.codepoint, X448, SECP256R1_MLKEM768.codepoint, SECP256R1_MLKEM768,
            X25519_MLKEM768.codepoint, X25519_MLKEM768, SECP384R1_MLKEM1024.codepoint, SECP384R1_MLKEM1024,
            X25519_KYBER768_DRAFT00.codepoint, X25519_KYBER768_DRAFT00);

    public TlsGroup {
        if (codepoint < 0 || codepoint > 0xFFFF) {
            throw new IllegalArgumentException("a NamedGroup codepoint is 16 bits: " + codepoint);
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a group needs a name");
        }
    }

    /** The group of a codepoint (0..0xFFFF): its IANA name when known here, else {@code "0xNNNN"}. */
    public static TlsGroup of(int codepoint) {
        TlsGroup known = KNOWN.get(codepoint);
        return known != null ? known : new TlsGroup(codepoint, hex(codepoint));
    }

    /** True for the groups that combine a classical exchange with ML-KEM (or its Kyber draft). */
    public boolean isPostQuantumHybrid() {
        return this.equals(X25519_MLKEM768) || this.equals(SECP256R1_MLKEM768) || this.equals(SECP384R1_MLKEM1024)
                || this.equals(X25519_KYBER768_DRAFT00);
    }

    /** The codepoint as {@code "0xNNNN"}, lower case. */
    public String hexCodepoint() {
        return hex(codepoint);
    }

    private static String hex(int codepoint) {
        return String.format("0x%04x", codepoint);
    }

    @Override
    public String toString() {
        return name + " (" + hexCodepoint() + ")";
    }
}
