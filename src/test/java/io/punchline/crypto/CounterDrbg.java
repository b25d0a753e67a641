package io.punchline.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A deterministic random source for test vectors: block i is {@code SHA-256(SHA-256(ASCII(label)) || i(8, big-endian))},
 * blocks concatenated. Never use outside tests.
 */
public final class CounterDrbg extends SecureRandom {

    private static final long serialVersionUID = 1L;

    private final byte[] seed;
    private final MessageDigest sha256;
    private long counter;
    private byte[] block = new byte[0];
    private int used;

    public CounterDrbg(String label) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        seed = sha256.digest(label.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
        for (int i = 0; i < out.length; i++) {
            if (used == block.length) {
                sha256.update(seed);
                block = sha256.digest(ByteBuffer.allocate(8).putLong(counter++).array());
                used = 0;
            }
            out[i] = block[used++];
        }
    }

    @Override
    public byte[] generateSeed(int length) {
        byte[] out = new byte[length];
        nextBytes(out);
        return out;
    }

    @Override
    public void setSeed(long ignored) {
        // deterministic by construction; also called by Random's constructor before fields exist
    }

    @Override
    public void setSeed(byte[] ignored) {
    }
}
