package io.punchline.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import java.security.SecureRandom;

/**
 * Runs the record layer's AES-256-GCM over throwaway records so that the JIT compiles it before the first transfer.
 *
 * <p>Why: the JDK's GCM is fast only once C2 has compiled its callers of the GHASH intrinsic. In a fresh process that
 * compiles thousands of methods at start (kwik, BouncyCastle, Netty) on 2 cores, that took up to 15 s, and until then
 * GHASH runs as plain Java at tens of MB/s: the first 100 MB of a CLI transfer were paced by the cipher, not the
 * network (docs/BENCHMARKS.md, "Peer data path"). A few thousand small records (about 100 ms of CPU) make the methods
 * hot while the engine is still connecting to its relay.
 */
public final class CipherWarmUp {

    private static final int RECORDS = 3000;
    private static final int RECORD_BYTES = 64;

    private CipherWarmUp() {
    }

    /** Seals and opens {@value #RECORDS} records of {@value #RECORD_BYTES} bytes under a random throwaway key. */
    public static void run() {
        byte[] key = new byte[RecordCipher.KEY_LENGTH];
        byte[] iv = new byte[RecordCipher.IV_LENGTH];
        new SecureRandom().nextBytes(key);
        RecordCipher sealer = new RecordCipher(Cipher.ENCRYPT_MODE, key, iv, SessionSecrets.RECORDS_PER_KEY);
        RecordCipher opener = new RecordCipher(Cipher.DECRYPT_MODE, key, iv, SessionSecrets.RECORDS_PER_KEY);
        byte[] header = {RecordType.DATA, 0, RECORD_BYTES + RecordCipher.TAG_LENGTH};
        byte[] plaintext = new byte[RECORD_BYTES];
        byte[] record = new byte[RECORD_BYTES + RecordCipher.TAG_LENGTH];
        byte[] opened = new byte[RECORD_BYTES];
        try {
            for (int i = 0; i < RECORDS; i++) {
                int sealed = sealer.seal(header, 0, header.length, plaintext, 0, RECORD_BYTES, record, 0);
                opener.open(header, 0, header.length, record, 0, sealed, opened, 0);
            }
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("AES-GCM warm-up failed to open its own record", e);
        }
    }
}
