package io.punchline.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An application stream of a peer session: every byte is AEAD-protected under keys from the post-quantum handshake
 * (docs/SECURITY.md, "Secure streams"). The engine hands out no other kind of stream.
 *
 * <p>Closing the output sends the authenticated end-of-stream record; a stream that ends without it reads as an error,
 * never as a short file.
 */
public final class SecureStream implements AutoCloseable {

    private final long id;
    private final InputStream input;
    private final OutputStream output;
    private final Runnable abort;

    SecureStream(long id, InputStream input, OutputStream output, Runnable abort) {
        this.id = id;
        this.input = input;
        this.output = output;
        this.abort = abort;
    }

    public long id() {
        return id;
    }

    public InputStream input() {
        return input;
    }

    public OutputStream output() {
        return output;
    }

    /** Ends the stream abruptly in both directions (cancel); the peer sees a reset, not an end of stream. */
    public void abort() {
        abort.run();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
