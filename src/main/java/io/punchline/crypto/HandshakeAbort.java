package io.punchline.crypto;

import java.nio.ByteBuffer;

/** Either side gives up: {@code reason code(1)}, a {@link HandshakeException.Reason} code. Best effort only. */
record HandshakeAbort(HandshakeException.Reason reason) implements HandshakeMessage {

    @Override
    public int type() {
        return TYPE_ABORT;
    }

    @Override
    public int bodyLength() {
        return 1;
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        out.put((byte) reason.code());
    }

    static HandshakeAbort decode(ByteBuffer body) throws HandshakeException {
        HandshakeMessage.requireExactly(body, 1, "HandshakeAbort");
        return new HandshakeAbort(HandshakeException.Reason.ofCode(body.get() & 0xff));
    }

    /** What the receiving side reports: a refusal stays a refusal, anything else is the peer aborting. */
    HandshakeException asException() {
        HandshakeException.Reason local = reason == HandshakeException.Reason.PEER_REFUSED
                ? HandshakeException.Reason.PEER_REFUSED : HandshakeException.Reason.PEER_ABORTED;
        return new HandshakeException(local, "peer aborted the handshake (" + reason + ")");
    }
}
