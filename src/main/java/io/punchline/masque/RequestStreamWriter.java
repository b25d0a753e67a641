package io.punchline.masque;

import io.punchline.quic.StreamSendGuard;
import io.punchline.wire.QuicVarint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes DATA frames (RFC 9114 section 7.2.1) carrying capsules onto a request stream, one capsule per frame.
 *
 * <p>Writes go to kwik in pieces of at most {@link #MAX_WRITE} bytes. kwik 0.10.8 can lose the follow-up send
 * request of a write that needs more than one STREAM frame (docs/ARCHITECTURE.md, "kwik 0.10.8's known limits"),
 * leaving its tail unsent until the next write; small pieces make that rarer and {@link StreamSendGuard} repairs it
 * after each write. Writers are serialised, so capsules from different threads never interleave.
 */
public final class RequestStreamWriter {

    /** Comfortably below the STREAM frame payload of a 1200-byte QUIC packet. */
    static final int MAX_WRITE = 1000;

    private final OutputStream out;
    private boolean closed;

    public RequestStreamWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes one DATA frame holding {@code capsuleBytes} (an encoded capsule, or several). */
    public synchronized void writeData(byte[] capsuleBytes) throws IOException {
        if (closed) {
            throw new IOException("request stream already closed");
        }
        int headerLength = 1 + QuicVarint.encodedLength(capsuleBytes.length);
        byte[] frame = new byte[headerLength + capsuleBytes.length];
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        QuicVarint.encode(RequestStreamReader.FRAME_DATA, buffer);
        QuicVarint.encode(capsuleBytes.length, buffer);
        buffer.put(capsuleBytes);
        writeInPieces(frame);
    }

    /** Writes an encoded HEADERS frame (as produced by flupke's {@code HeadersFrame.toBytes}). */
    public synchronized void writeHeaders(byte[] headersFrame) throws IOException {
        writeInPieces(headersFrame);
    }

    private void writeInPieces(byte[] bytes) throws IOException {
        for (int offset = 0; offset < bytes.length; offset += MAX_WRITE) {
            out.write(bytes, offset, Math.min(MAX_WRITE, bytes.length - offset));
        }
        StreamSendGuard.afterWrite(out);
    }

    /**
     * Ends the stream cleanly (FIN). Later writes fail; closing twice is harmless. kwik's close queues its send request
     * the same racy way a write does, so the end of the stream (and any tail of the last write) could wait for a write
     * that never comes, and the peer for an answer's end: the guard checks after it too.
     */
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                out.close();
            } catch (IOException ignored) {
                // already closed or reset by the peer
            }
            StreamSendGuard.afterWrite(out);
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }
}
