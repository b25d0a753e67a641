package io.punchline.session;

import io.punchline.wire.QuicVarint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Removes the chunk framing of {@link StallGuardOutputStream}: {@code Length (i), Data (Length)}, empty chunks skipped. */
public final class StallGuardInputStream extends InputStream {

    private final InputStream in;
    private long chunkLeft;

    public StallGuardInputStream(InputStream in) {
        this.in = in;
    }

    /** Reads chunk headers until one with data; false at a clean end of stream. */
    private boolean nextChunk() throws IOException {
        while (chunkLeft == 0) {
            long length = QuicVarint.readFrom(in);
            if (length < 0) {
                return false;
            }
            if (length > StallGuardOutputStream.MAX_CHUNK) {
                throw new IOException("stream chunk of " + length + " bytes exceeds " + StallGuardOutputStream.MAX_CHUNK);
            }
            chunkLeft = length;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!nextChunk()) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw new EOFException("stream ended inside a chunk");
        }
        chunkLeft--;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!nextChunk()) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, chunkLeft));
        if (n < 0) {
            throw new EOFException("stream ended inside a chunk");
        }
        chunkLeft -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(chunkLeft, in.available());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
