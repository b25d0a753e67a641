package io.punchline.crypto;

import java.nio.ByteBuffer;

/** A peer handshake message; on the wire it is framed by {@link HandshakeFraming}: type, length, body. */
sealed interface HandshakeMessage permits DiallerHello, ListenerHello, HandshakeProof, HandshakeAbort {

    int TYPE_DIALLER_HELLO = 0x01;
    int TYPE_LISTENER_HELLO = 0x02;
    int TYPE_PROOF = 0x03;
    int TYPE_ABORT = 0x7f;

    /** The only protocol version this code speaks. */
    int VERSION = 1;

    int type();

    int bodyLength();

    void encodeBody(ByteBuffer out);

    static byte[] take(ByteBuffer body, int length) {
        byte[] out = new byte[length];
        body.get(out);
        return out;
    }

    /** Reads the leading version of a hello and refuses any other than {@link #VERSION}. */
    static int version(ByteBuffer body) throws HandshakeException {
        if (body.remaining() < 2) {
            throw new HandshakeException(HandshakeException.Reason.MALFORMED, "hello shorter than its version field");
        }
        int version = body.getShort() & 0xffff;
        if (version != VERSION) {
            throw new HandshakeException(HandshakeException.Reason.VERSION_MISMATCH,
                    "peer speaks version " + version + ", this side " + VERSION);
        }
        return version;
    }

    static void requireExactly(ByteBuffer body, int length, String what) throws HandshakeException {
        if (body.remaining() != length) {
            throw new HandshakeException(HandshakeException.Reason.MALFORMED,
                    what + " body must have " + length + " more bytes, has " + body.remaining());
        }
    }
}
