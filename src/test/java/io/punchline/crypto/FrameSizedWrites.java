package io.punchline.crypto;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Splits every write so it fits one QUIC STREAM frame: kwik 0.10.8 can lose the follow-up send request of a write
 * that needs two frames and then stalls (DESIGN.md). A stand-in for what the session layer must provide.
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
            off += n;
            len -= n;
        }
    }
}
