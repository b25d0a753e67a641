package io.punchline.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * HKDF-SHA-256 (RFC 5869) with Punchline's labels. Every expansion uses
 * {@code info = ASCII(label) || 0x00 || context}; all labels start with {@code "punchline/1 "} (docs/SECURITY.md).
 */
final class KeySchedule {

    static final String CONFIRM_LISTENER = "punchline/1 confirm listener";
    static final String CONFIRM_DIALLER = "punchline/1 confirm dialler";
    static final String SESSION = "punchline/1 session";
    static final String STREAM_KEY = "punchline/1 stream key";
    static final String STREAM_IV = "punchline/1 stream iv";
    static final String KEY_UPDATE = "punchline/1 key update";
    static final String PATH_PROBE = "punchline/1 path probe";
    static final String EXPORT_PREFIX = "punchline/1 export ";

    private KeySchedule() {
    }

    static byte[] extract(byte[] salt, byte[] inputKeyMaterial) {
        return new HKDFBytesGenerator(new SHA256Digest()).extractPRK(salt, inputKeyMaterial);
    }

    static byte[] expand(byte[] pseudoRandomKey, String label, byte[] context, int length) {
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[labelBytes.length + 1 + context.length];
        System.arraycopy(labelBytes, 0, info, 0, labelBytes.length);
        System.arraycopy(context, 0, info, labelBytes.length + 1, context.length);
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(HKDFParameters.skipExtractParameters(pseudoRandomKey, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is missing", e);
        }
    }
}
