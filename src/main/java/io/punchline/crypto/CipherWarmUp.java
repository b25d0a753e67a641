package io.punchline.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Runs the record layer's AES-256-GCM over throwaway records so that the JIT compiles it before the first transfer.
 *
 * <p>Why: the JDK's GCM is fast only once C2 has compiled its callers of the GHASH intrinsic. In a fresh process that
 * compiles thousands of methods at start (kwik, BouncyCastle, Netty) on 2 cores, that took up to 15 s, and until then
 * GHASH runs as plain Java at tens of MB/s: the first 100 MB of a CLI transfer were paced by the cipher, not the
 * network (docs/BENCHMARKS.md, "Peer data path"). The same holds for kwik's packet protection on the relay hop
 * (AES-128-GCM through {@code doFinal(byte[])}, AES-ECB header protection). A few thousand small records and packets
 * (100-200 ms of CPU) make those methods hot while the engine is still connecting to its relay.
 */
public final class CipherWarmUp {

    private static final int RECORDS = 3000;
    private static final int RECORD_BYTES = 64;
    private static final int PACKETS = 1500;
    private static final int PACKET_BYTES = 256;

    private CipherWarmUp() {
    }

    /** Both warm-ups: the record layer's and the relay hop's. */
    public static void run() {
        records();
        quicPackets();
    }

    /** Seals and opens {@value #RECORDS} records of {@value #RECORD_BYTES} bytes under a random throwaway key. */
    private static void records() {
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

    /** The relay hop's calls as kwik makes them: AES-128-GCM whole-array seal and open, AES-ECB header masks. */
    private static void quicPackets() {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[16];
        random.nextBytes(key);
        SecretKeySpec spec = new SecretKeySpec(key, "AES");
        byte[] nonce = new byte[RecordCipher.IV_LENGTH];
        byte[] header = new byte[20];
        byte[] payload = new byte[PACKET_BYTES];
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            Cipher mask = Cipher.getInstance("AES/ECB/NoPadding");
            mask.init(Cipher.ENCRYPT_MODE, spec);
            byte[] sample = new byte[16];
            for (int i = 0; i < PACKETS; i++) {
                nonce[nonce.length - 1] = (byte) i;
                nonce[nonce.length - 2] = (byte) (i >>> 8);
                gcm.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(RecordCipher.TAG_LENGTH * 8, nonce));
                gcm.updateAAD(header);
                byte[] sealed = gcm.doFinal(payload);
                gcm.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(RecordCipher.TAG_LENGTH * 8, nonce));
                gcm.updateAAD(header);
                gcm.doFinal(sealed);
                System.arraycopy(sealed, 0, sample, 0, sample.length);
                mask.doFinal(sample);
                mask.doFinal(sample);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES warm-up failed", e);
        }
    }
}
