package io.punchline.quic;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Random;

/** TLS 1.3 ServerHello messages (RFC 8446 section 4.1.3) for tests. */
final class TestServerHellos {

    static final int X25519_SHARE_LENGTH = 32;
    /** draft-ietf-tls-ecdhe-mlkem: the server's X25519MLKEM768 share is an ML-KEM-768 ciphertext (1088) and an X25519 key (32). */
    static final int X25519_MLKEM768_SHARE_LENGTH = 1088 + 32;

    private TestServerHellos() {
    }

    static byte[] keyShare(int group, int keyLength, long seed) {
        byte[] key = new byte[keyLength];
        new Random(seed).nextBytes(key);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(group >>> 8);
        data.write(group);
        data.write(keyLength >>> 8);
        data.write(keyLength);
        data.writeBytes(key);
        return extension(0x0033, data.toByteArray());
    }

    static byte[] supportedVersionsTls13() {
        return extension(0x002b, new byte[] {0x03, 0x04});
    }

    static byte[] extension(int type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type >>> 8);
        out.write(type);
        out.write(data.length >>> 8);
        out.write(data.length);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** A ServerHello with TLS_AES_128_GCM_SHA256, an empty session ID echo and the given extensions in order. */
    static byte[] serverHello(byte[] random, byte[]... extensions) {
        ByteArrayOutputStream extensionBytes = new ByteArrayOutputStream();
        for (byte[] extension : extensions) {
            extensionBytes.writeBytes(extension);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x03);
        body.write(0x03);
        body.writeBytes(random);
        body.write(0); // legacy_session_id_echo: empty in QUIC (RFC 9001 section 8.4)
        body.write(0x13);
        body.write(0x01);
        body.write(0); // legacy_compression_method
        body.write(extensionBytes.size() >>> 8);
        body.write(extensionBytes.size());
        body.writeBytes(extensionBytes.toByteArray());
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(2);
        message.write(body.size() >>> 16);
        message.write(body.size() >>> 8);
        message.write(body.size());
        message.writeBytes(body.toByteArray());
        return message.toByteArray();
    }

    static byte[] randomBytes(long seed) {
        byte[] random = new byte[32];
        new Random(seed).nextBytes(random);
        return random;
    }

    /** RFC 8446 section 4.1.3: a HelloRetryRequest's random is SHA-256("HelloRetryRequest"). */
    static byte[] helloRetryRequestRandom() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest("HelloRetryRequest".getBytes("US-ASCII"));
    }

    /** A ServerHello selecting X25519MLKEM768 (0x11ec), key_share first as BoringSSL writes it. */
    static byte[] x25519Mlkem768ServerHello() {
        return serverHello(randomBytes(1), keyShare(0x11EC, X25519_MLKEM768_SHARE_LENGTH, 2), supportedVersionsTls13());
    }
}
