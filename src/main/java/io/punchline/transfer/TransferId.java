package io.punchline.transfer;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** 16 random bytes naming one transfer; hex in text. */
public record TransferId(byte[] bytes) {

    public static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    public TransferId {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a transfer id has 16 bytes");
        }
        bytes = bytes.clone();
    }

    public static TransferId random() {
        byte[] bytes = new byte[LENGTH];
        RANDOM.nextBytes(bytes);
        return new TransferId(bytes);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TransferId id && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
