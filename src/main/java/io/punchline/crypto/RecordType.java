package io.punchline.crypto;

/**
 * Secure-stream record header: {@code type(1) || length(2, big-endian)}, the length counting ciphertext and tag.
 * The header is the AEAD's additional data, so the type is authenticated.
 */
final class RecordType {

    static final int DATA = 0x17;
    /** The last record of a stream; may carry data. Its absence at end of stream means truncation. */
    static final int END = 0x15;
    static final int HEADER_LENGTH = 3;
    static final int MAX_PLAINTEXT = 16 * 1024;
    static final int MAX_CIPHERTEXT = MAX_PLAINTEXT + RecordCipher.TAG_LENGTH;

    private RecordType() {
    }
}
