package io.punchline.crypto;

import java.nio.ByteBuffer;

/**
 * First message, dialler to listener: {@code version(2) || dialler nonce(32) || ephemeral ML-KEM-768 encapsulation
 * key(1184) || dialler ML-DSA-65 public key(1952)}.
 */
record DiallerHello(int version, byte[] nonce, byte[] encapsulationKey, byte[] publicKey) implements HandshakeMessage {

    static final int NONCE_LENGTH = 32;
    static final int BODY_LENGTH = 2 + NONCE_LENGTH + MlKem768.ENCAPSULATION_KEY_LENGTH + MlDsa65.PUBLIC_KEY_LENGTH;

    @Override
    public int type() {
        return TYPE_DIALLER_HELLO;
    }

    @Override
    public int bodyLength() {
        return BODY_LENGTH;
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        out.putShort((short) version).put(nonce).put(encapsulationKey).put(publicKey);
    }

    static DiallerHello decode(ByteBuffer body) throws HandshakeException {
        int version = HandshakeMessage.version(body);
        HandshakeMessage.requireExactly(body, BODY_LENGTH - 2, "DiallerHello");
        return new DiallerHello(version, HandshakeMessage.take(body, NONCE_LENGTH),
                HandshakeMessage.take(body, MlKem768.ENCAPSULATION_KEY_LENGTH),
                HandshakeMessage.take(body, MlDsa65.PUBLIC_KEY_LENGTH));
    }
}
