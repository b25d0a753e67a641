package io.punchline.cli;

import java.util.Locale;

/** Byte counts for people: 1.5 MB, 200 kB, 17 bytes (SI units, as file managers show them). */
final class Sizes {

    private Sizes() {
    }

    static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }
}
