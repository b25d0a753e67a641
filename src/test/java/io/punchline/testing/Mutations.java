package io.punchline.testing;

import java.util.Arrays;
import java.util.List;

/** Deterministic byte and text mutations driven by generated integers: flip, replace, insert, delete, truncate. */
public final class Mutations {

    private Mutations() {
    }

    public static byte[] apply(byte[] input, List<Integer> mutations) {
        byte[] out = input.clone();
        for (int m : mutations) {
            int kind = m % 5;
            int value = m / 5;
            if (out.length == 0) {
                out = new byte[] {(byte) value};
                continue;
            }
            int at = value % out.length;
            switch (kind) {
                case 0 -> out[at] ^= (byte) (1 << (value % 8));
                case 1 -> out[at] = (byte) (value >>> 3);
                case 2 -> {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) (value >>> 3);
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
                case 3 -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                }
                default -> out = Arrays.copyOf(out, at);
            }
        }
        return out;
    }

    public static String applyText(String input, List<Integer> mutations) {
        byte[] mutated = apply(input.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), mutations);
        return new String(mutated, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
