package io.punchline.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Frames handshake messages on a stream: {@code type(1) || body length(2, big-endian) || body}. The length is checked
 * against {@link #MAX_BODY_LENGTH} before anything is allocated.
 */
final class HandshakeFraming {

    static final int HEADER_LENGTH = 3;
    static final int MAX_BODY_LENGTH = 4096;

    /** A received message: its type, its exact wire bytes (for the transcript) and its body. */
    record Frame(int type, byte[] wire) {
        ByteBuffer body() {
            return ByteBuffer.wrap(wire, HEADER_LENGTH, wire.length - HEADER_LENGTH).slice();
        }
    }

    private HandshakeFraming() {
    }

    static byte[] encode(HandshakeMessage message) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_LENGTH + message.bodyLength());
        buffer.put((byte) message.type()).putShort((short) message.bodyLength());
        message.encodeBody(buffer);
        if (buffer.hasRemaining()) {
            throw new IllegalStateException("declared length differs from encoded length");
        }
        return buffer.array();
    }

    /** Writes and flushes one message; returns its wire bytes. */
    static byte[] write(OutputStream out, HandshakeMessage message) throws IOException {
        byte[] wire = encode(message);
        out.write(wire);
        out.flush();
        return wire;
    }

    static Frame read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER_LENGTH);
        if (header.length < HEADER_LENGTH) {
            throw new HandshakeException(HandshakeException.Reason.TRUNCATED, "stream ended inside a message header");
        }
        int type = header[0] & 0xff;
        int length = ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        if (type != HandshakeMessage.TYPE_DIALLER_HELLO && type != HandshakeMessage.TYPE_LISTENER_HELLO
                && type != HandshakeMessage.TYPE_PROOF && type != HandshakeMessage.TYPE_ABORT) {
            throw new HandshakeException(HandshakeException.Reason.MALFORMED,
                    "not a handshake message (type 0x" + Integer.toHexString(type) + ")");
        }
        if (length > MAX_BODY_LENGTH) {
            throw new HandshakeException(HandshakeException.Reason.OVERSIZED,
                    "message body of " + length + " bytes exceeds " + MAX_BODY_LENGTH);
        }
        byte[] wire = new byte[HEADER_LENGTH + length];
        System.arraycopy(header, 0, wire, 0, HEADER_LENGTH);
        int read = in.readNBytes(wire, HEADER_LENGTH, length);
        if (read < length) {
            throw new HandshakeException(HandshakeException.Reason.TRUNCATED,
                    "stream ended after " + read + " of " + length + " body bytes");
        }
        return new Frame(type, wire);
    }

    /** Reads the next message and requires it to be of {@code expectedType}; an ABORT becomes its exception. */
    static Frame readExpecting(InputStream in, int expectedType) throws IOException {
        Frame frame = read(in);
        if (frame.type() == HandshakeMessage.TYPE_ABORT) {
            throw HandshakeAbort.decode(frame.body()).asException();
        }
        if (frame.type() != expectedType) {
            throw new HandshakeException(HandshakeException.Reason.MALFORMED,
                    "expected message type " + expectedType + ", got " + frame.type());
        }
        return frame;
    }
}
