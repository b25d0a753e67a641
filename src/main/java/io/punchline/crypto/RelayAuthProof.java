package io.punchline.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Client to relay: {@code client ML-DSA-65 public key(1952) || client nonce(32) || signature(3309)}, the signature
 * over {@link RelayAuth}'s transcript with role "client". Exactly {@value #ENCODED_LENGTH} bytes.
 */
public record RelayAuthProof(byte[] publicKey, byte[] clientNonce, byte[] signature) {

    public static final int NONCE_LENGTH = 32;
    public static final int ENCODED_LENGTH = MlDsa65.PUBLIC_KEY_LENGTH + NONCE_LENGTH + MlDsa65.SIGNATURE_LENGTH;

    public RelayAuthProof {
        if (publicKey.length != MlDsa65.PUBLIC_KEY_LENGTH || clientNonce.length != NONCE_LENGTH
                || signature.length != MlDsa65.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("wrong field length in RelayAuthProof");
        }
        publicKey = publicKey.clone();
        clientNonce = clientNonce.clone();
        signature = signature.clone();
    }

    /** The PeerId the client claims; proven only once {@link RelayAuth#verifyProof} accepted the proof. */
    public PeerId claimedPeer() {
        return PeerId.of(publicKey);
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] clientNonce() {
        return clientNonce.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public int encodedLength() {
        return ENCODED_LENGTH;
    }

    public void encode(ByteBuffer out) {
        out.put(publicKey).put(clientNonce).put(signature);
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(ENCODED_LENGTH);
        encode(out);
        return out.array();
    }

    public static RelayAuthProof decode(ByteBuffer in) throws HandshakeException {
        RelayCodec.requireLength(in, ENCODED_LENGTH, "RelayAuthProof");
        return new RelayAuthProof(RelayCodec.take(in, MlDsa65.PUBLIC_KEY_LENGTH), RelayCodec.take(in, NONCE_LENGTH),
                RelayCodec.take(in, MlDsa65.SIGNATURE_LENGTH));
    }

    @Override
    public String toString() {
        return "RelayAuthProof[" + claimedPeer().fingerprint() + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RelayAuthProof that
                && Arrays.equals(publicKey, that.publicKey)
                && Arrays.equals(clientNonce, that.clientNonce)
                && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey) * 31 + Arrays.hashCode(clientNonce) * 31
                + Arrays.hashCode(signature);
    }
}
