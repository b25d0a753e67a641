package io.punchline.crypto;

import io.punchline.quic.StreamSendGuard;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Splits every write so it fits one QUIC STREAM frame and checks kwik's send request after each piece, as the relay hop's
 * {@code RequestStreamWriter} does: kwik 0.10.8 can lose the follow-up send request of a write that gets only part of
 * a packet and then stalls (docs/ARCHITECTURE.md, "kwik 0.10.8's known limits"; {@link StreamSendGuard}).
 */
public final class FrameSizedWrites extends FilterOutputStream {

    private final int maxWrite;

    public FrameSizedWrites(OutputStream out, int maxWrite) {
        super(out);
        this.maxWrite = maxWrite;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, maxWrite);
            out.write(b, off, n);
            StreamSendGuard.afterWrite(out);
            off += n;
            len -= n;
        }
    }
}
