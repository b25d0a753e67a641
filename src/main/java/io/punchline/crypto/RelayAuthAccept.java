package io.punchline.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Relay to client, after a valid proof: {@code relay ML-DSA-65 public key(1952) || signature(3309)}, the signature
 * over {@link RelayAuth}'s transcript with role "relay". Exactly {@value #ENCODED_LENGTH} bytes.
 */
public record RelayAuthAccept(byte[] publicKey, byte[] signature) {

    public static final int ENCODED_LENGTH = MlDsa65.PUBLIC_KEY_LENGTH + MlDsa65.SIGNATURE_LENGTH;

    public RelayAuthAccept {
        if (publicKey.length != MlDsa65.PUBLIC_KEY_LENGTH || signature.length != MlDsa65.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("wrong field length in RelayAuthAccept");
        }
        publicKey = publicKey.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public int encodedLength() {
        return ENCODED_LENGTH;
    }

    public void encode(ByteBuffer out) {
        out.put(publicKey).put(signature);
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(ENCODED_LENGTH);
        encode(out);
        return out.array();
    }

    public static RelayAuthAccept decode(ByteBuffer in) throws HandshakeException {
        RelayCodec.requireLength(in, ENCODED_LENGTH, "RelayAuthAccept");
        return new RelayAuthAccept(RelayCodec.take(in, MlDsa65.PUBLIC_KEY_LENGTH),
                RelayCodec.take(in, MlDsa65.SIGNATURE_LENGTH));
    }

    @Override
    public String toString() {
        return "RelayAuthAccept[" + PeerId.of(publicKey).fingerprint() + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RelayAuthAccept that
                && Arrays.equals(publicKey, that.publicKey)
                && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey) * 31 + Arrays.hashCode(signature);
    }
}
