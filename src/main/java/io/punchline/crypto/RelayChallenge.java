package io.punchline.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** Relay to client: {@code version(2) || relay nonce(32)}. Exactly {@value #ENCODED_LENGTH} bytes. */
public record RelayChallenge(int version, byte[] nonce) {

    public static final int VERSION = 1;
    public static final int NONCE_LENGTH = 32;
    public static final int ENCODED_LENGTH = 2 + NONCE_LENGTH;

    public RelayChallenge {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("relay nonce has " + NONCE_LENGTH + " bytes");
        }
        nonce = nonce.clone();
    }

    /** A fresh challenge; the relay keeps it for the connection it was issued on. */
    public static RelayChallenge issue(SecureRandom random) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return new RelayChallenge(VERSION, nonce);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    public int encodedLength() {
        return ENCODED_LENGTH;
    }

    public void encode(ByteBuffer out) {
        out.putShort((short) version).put(nonce);
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(ENCODED_LENGTH);
        encode(out);
        return out.array();
    }

    /** Decodes exactly one challenge from the remaining bytes. */
    public static RelayChallenge decode(ByteBuffer in) throws HandshakeException {
        RelayCodec.requireLength(in, ENCODED_LENGTH, "RelayChallenge");
        int version = in.getShort() & 0xffff;
        if (version != VERSION) {
            throw new HandshakeException(HandshakeException.Reason.VERSION_MISMATCH,
                    "relay speaks version " + version + ", this side " + VERSION);
        }
        return new RelayChallenge(version, RelayCodec.take(in, NONCE_LENGTH));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RelayChallenge that && version == that.version
                && Arrays.equals(nonce, that.nonce);
    }

    @Override
    public int hashCode() {
        return version * 31 + Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "RelayChallenge[version " + version + ", nonce " + HexFormat.of().formatHex(nonce) + "]";
    }
}
