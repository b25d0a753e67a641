package io.punchline.crypto;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** Hands out at most {@code step} bytes per read, as a network stream may: parsers must not care. */
final class TrickleInputStream extends InputStream {

    private final ByteArrayInputStream source;
    private final int step;

    TrickleInputStream(byte[] bytes, int step) {
        this.source = new ByteArrayInputStream(bytes);
        this.step = step;
    }

    @Override
    public int read() {
        return source.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        return source.read(b, off, Math.min(len, step));
    }
}
