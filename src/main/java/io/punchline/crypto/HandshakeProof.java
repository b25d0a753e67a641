package io.punchline.crypto;

import java.nio.ByteBuffer;

/**
 * Third (listener) and fourth (dialler) message: {@code ML-DSA-65 signature(3309) || key confirmation(32)}, the
 * signature over the transcript so far and the confirmation an HMAC keyed from the ML-KEM secret.
 */
record HandshakeProof(byte[] signature, byte[] confirmation) implements HandshakeMessage {

    static final int CONFIRMATION_LENGTH = 32;
    static final int BODY_LENGTH = MlDsa65.SIGNATURE_LENGTH + CONFIRMATION_LENGTH;

    @Override
    public int type() {
        return TYPE_PROOF;
    }

    @Override
    public int bodyLength() {
        return BODY_LENGTH;
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        out.put(signature).put(confirmation);
    }

    static HandshakeProof decode(ByteBuffer body) throws HandshakeException {
        HandshakeMessage.requireExactly(body, BODY_LENGTH, "HandshakeProof");
        return new HandshakeProof(HandshakeMessage.take(body, MlDsa65.SIGNATURE_LENGTH),
                HandshakeMessage.take(body, CONFIRMATION_LENGTH));
    }
}
