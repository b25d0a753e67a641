package io.punchline.ui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How figures read in the window. */
final class Format {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private Format() {
    }

    static String rate(long bytesPerSecond) {
        if (bytesPerSecond < 1000) {
            return bytesPerSecond + " B/s";
        }
        if (bytesPerSecond < 1_000_000) {
            return String.format("%.1f kB/s", bytesPerSecond / 1e3);
        }
        return String.format("%.1f MB/s", bytesPerSecond / 1e6);
    }

    static String rtt(long millis) {
        return millis < 0 ? "-" : millis + " ms";
    }

    static String clock(long millis) {
        return CLOCK.format(Instant.ofEpochMilli(millis));
    }
}
