package io.punchline.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import javax.crypto.Cipher;

/**
 * Writes an application stream as AES-256-GCM records (docs/SECURITY.md, "Secure streams"). Bytes are buffered until
 * a record is full or {@link #flush()} sends a short one; {@link #close()} sends the END record and closes the raw
 * stream. Each record reaches the raw stream in one {@code write} call. Not thread-safe.
 */
public final class SecureOutputStream extends OutputStream {

    private final OutputStream raw;
    private final RecordCipher cipher;
    // Separate plaintext and record buffers: the JDK's AES-GCM is several times slower in place.
    private final byte[] plaintext = new byte[RecordType.MAX_PLAINTEXT];
    private final byte[] record = new byte[RecordType.HEADER_LENGTH + RecordType.MAX_CIPHERTEXT];
    private int buffered;
    private boolean closed;

    SecureOutputStream(OutputStream raw, byte[] key, byte[] iv, long recordsPerKey) {
        this.raw = raw;
        this.cipher = new RecordCipher(Cipher.ENCRYPT_MODE, key, iv, recordsPerKey);
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        plaintext[buffered++] = (byte) b;
        if (buffered == RecordType.MAX_PLAINTEXT) {
            send(RecordType.DATA);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, bytes.length);
        while (length > 0) {
            if (buffered == 0 && length >= RecordType.MAX_PLAINTEXT) {
                seal(RecordType.DATA, bytes, offset, RecordType.MAX_PLAINTEXT);
                offset += RecordType.MAX_PLAINTEXT;
                length -= RecordType.MAX_PLAINTEXT;
                continue;
            }
            int chunk = Math.min(length, RecordType.MAX_PLAINTEXT - buffered);
            System.arraycopy(bytes, offset, plaintext, buffered, chunk);
            buffered += chunk;
            offset += chunk;
            length -= chunk;
            if (buffered == RecordType.MAX_PLAINTEXT) {
                send(RecordType.DATA);
            }
        }
    }

    /** Sends buffered bytes as a (short) record, then flushes the raw stream. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (buffered > 0) {
            send(RecordType.DATA);
        }
        raw.flush();
    }

    /** Sends the buffered bytes in the END record, so the reader can tell a complete stream from a cut one. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            send(RecordType.END);
            raw.flush();
        } finally {
            closed = true;
            raw.close();
        }
    }

    private void send(int type) throws IOException {
        int length = buffered;
        buffered = 0;
        seal(type, plaintext, 0, length);
    }

    private void seal(int type, byte[] source, int offset, int length) throws IOException {
        int ciphertextLength = length + RecordCipher.TAG_LENGTH;
        record[0] = (byte) type;
        record[1] = (byte) (ciphertextLength >>> 8);
        record[2] = (byte) ciphertextLength;
        int sealed = cipher.seal(record, 0, RecordType.HEADER_LENGTH, source, offset, length,
                record, RecordType.HEADER_LENGTH);
        raw.write(record, 0, RecordType.HEADER_LENGTH + sealed);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("secure stream is closed");
        }
    }
}
