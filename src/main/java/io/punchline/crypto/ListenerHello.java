package io.punchline.crypto;

import java.nio.ByteBuffer;

/**
 * Second message, listener to dialler: {@code version(2) || listener nonce(32) || ML-KEM-768 ciphertext(1088) ||
 * listener ML-DSA-65 public key(1952)}.
 */
record ListenerHello(int version, byte[] nonce, byte[] ciphertext, byte[] publicKey) implements HandshakeMessage {

    static final int NONCE_LENGTH = 32;
    static final int BODY_LENGTH = 2 + NONCE_LENGTH + MlKem768.CIPHERTEXT_LENGTH + MlDsa65.PUBLIC_KEY_LENGTH;

    @Override
    public int type() {
        return TYPE_LISTENER_HELLO;
    }

    @Override
    public int bodyLength() {
        return BODY_LENGTH;
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        out.putShort((short) version).put(nonce).put(ciphertext).put(publicKey);
    }

    static ListenerHello decode(ByteBuffer body) throws HandshakeException {
        int version = HandshakeMessage.version(body);
        HandshakeMessage.requireExactly(body, BODY_LENGTH - 2, "ListenerHello");
        return new ListenerHello(version, HandshakeMessage.take(body, NONCE_LENGTH),
                HandshakeMessage.take(body, MlKem768.CIPHERTEXT_LENGTH),
                HandshakeMessage.take(body, MlDsa65.PUBLIC_KEY_LENGTH));
    }
}
