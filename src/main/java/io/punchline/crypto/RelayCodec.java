package io.punchline.crypto;

import java.nio.ByteBuffer;

/** Length checks shared by the relay-authentication records: each has one fixed size, checked before reading. */
final class RelayCodec {

    private RelayCodec() {
    }

    static void requireLength(ByteBuffer in, int length, String what) throws HandshakeException {
        if (in.remaining() > length) {
            throw new HandshakeException(HandshakeException.Reason.OVERSIZED,
                    what + " has " + in.remaining() + " bytes, expected " + length);
        }
        if (in.remaining() < length) {
            throw new HandshakeException(HandshakeException.Reason.TRUNCATED,
                    what + " has " + in.remaining() + " bytes, expected " + length);
        }
    }

    static byte[] take(ByteBuffer in, int length) {
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }
}
