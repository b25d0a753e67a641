package io.punchline.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

import static io.punchline.crypto.RecordException.Reason.BAD_TAG;
import static io.punchline.crypto.RecordException.Reason.MALFORMED;
import static io.punchline.crypto.RecordException.Reason.OVERSIZED;
import static io.punchline.crypto.RecordException.Reason.TRUNCATED;
import static io.punchline.crypto.RecordException.Reason.UNEXPECTED_EOF;

/**
 * Reads records written by {@link SecureOutputStream}. A record's plaintext is released only after its tag verifies;
 * end of stream is reported only after the END record. The first failure is final: every later read throws it again.
 * Not thread-safe.
 */
public final class SecureInputStream extends InputStream {

    private final InputStream raw;
    private final RecordCipher cipher;
    // Separate record and plaintext buffers: the JDK's AES-GCM decrypts several times slower in place.
    private final byte[] record = new byte[RecordType.HEADER_LENGTH + RecordType.MAX_CIPHERTEXT];
    private final byte[] plaintext = new byte[RecordType.MAX_PLAINTEXT];
    private int position;
    private int limit;
    private boolean ended;
    private RecordException failure;

    SecureInputStream(InputStream raw, byte[] key, byte[] iv, long recordsPerKey) {
        this.raw = raw;
        this.cipher = new RecordCipher(Cipher.DECRYPT_MODE, key, iv, recordsPerKey);
    }

    @Override
    public int read() throws IOException {
        while (position == limit) {
            if (ended) {
                return -1;
            }
            nextRecord();
        }
        return plaintext[position++] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        while (position == limit) {
            if (ended) {
                return -1;
            }
            nextRecord();
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(plaintext, position, bytes, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    @Override
    public void close() throws IOException {
        Arrays.fill(plaintext, (byte) 0);
        position = limit = 0;
        raw.close();
    }

    private void nextRecord() throws IOException {
        if (failure != null) {
            throw failure;
        }
        try {
            readRecord();
        } catch (RecordException e) {
            failure = e;
            Arrays.fill(plaintext, (byte) 0);
            position = limit = 0;
            throw e;
        }
    }

    private void readRecord() throws IOException {
        int headerRead = raw.readNBytes(record, 0, RecordType.HEADER_LENGTH);
        if (headerRead == 0) {
            throw new RecordException(TRUNCATED, "stream ended without an END record");
        }
        if (headerRead < RecordType.HEADER_LENGTH) {
            throw new RecordException(UNEXPECTED_EOF, "stream ended inside a record header");
        }
        int type = record[0] & 0xff;
        int length = ((record[1] & 0xff) << 8) | (record[2] & 0xff);
        if (type != RecordType.DATA && type != RecordType.END) {
            throw new RecordException(MALFORMED, "unknown record type 0x" + Integer.toHexString(type));
        }
        if (length > RecordType.MAX_CIPHERTEXT) {
            throw new RecordException(OVERSIZED, "record of " + length + " bytes exceeds " + RecordType.MAX_CIPHERTEXT);
        }
        if (length < RecordCipher.TAG_LENGTH) {
            throw new RecordException(MALFORMED, "record of " + length + " bytes cannot hold a tag");
        }
        int bodyRead = raw.readNBytes(record, RecordType.HEADER_LENGTH, length);
        if (bodyRead < length) {
            throw new RecordException(UNEXPECTED_EOF, "stream ended after " + bodyRead + " of " + length + " bytes");
        }
        int plaintextLength;
        try {
            plaintextLength = cipher.open(record, 0, RecordType.HEADER_LENGTH, record, RecordType.HEADER_LENGTH,
                    length, plaintext, 0);
        } catch (AEADBadTagException e) {
            throw new RecordException(BAD_TAG, "record failed authentication");
        }
        position = 0;
        limit = plaintextLength;
        ended = type == RecordType.END;
    }
}
