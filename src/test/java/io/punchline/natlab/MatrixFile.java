package io.punchline.natlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The matrix file ({@code -Dnatlab.matrix.output}, docs/NAT-MATRIX.md) is written by four lab tests, each owning one
 * part: {@link NatMatrixTest} the main part (everything before the first section heading below),
 * {@link HardNatMatrixTest} the section {@value HardNatMatrixTest#HARD_SECTION}, {@link Ipv6MatrixTest} the section
 * {@value Ipv6MatrixTest#IPV6_SECTION}, {@link PortMappingLabTest} the section
 * {@value PortMappingLabTest#PORT_MAPPING_SECTION}. Each test replaces its own part and keeps the others, always in
 * that order, so the file has all of them whichever ran first, and any one can be regenerated alone.
 */
final class MatrixFile {

    /** The main part's key for {@link #replace}: the text before the first section. */
    static final String MAIN = "";
    /** The sections after the main part, in the order the file keeps them. */
    static final List<String> SECTIONS = List.of(HardNatMatrixTest.HARD_SECTION, Ipv6MatrixTest.IPV6_SECTION,
            PortMappingLabTest.PORT_MAPPING_SECTION);

    private MatrixFile() {
    }

    /** {@code file}'s text with the part {@code heading} ({@link #MAIN} or one of {@link #SECTIONS}) replaced by {@code text}. */
    static String replace(String file, String heading, String text) {
        if (!heading.equals(MAIN) && !SECTIONS.contains(heading)) {
            throw new IllegalArgumentException("not a section of the matrix file: " + heading);
        }
        Map<String, String> parts = parts(file);
        parts.put(heading, text);
        List<String> kept = new ArrayList<>();
        for (String key : parts.keySet()) {
            String part = parts.get(key).stripTrailing();
            if (!part.isEmpty()) {
                kept.add(part + "\n");
            }
        }
        return String.join("\n", kept);
    }

    /**
     * A matrix test's table: written to {@code target/NAME}, printed, and with {@code -Dnatlab.matrix.output=FILE} put
     * into FILE as the part {@code heading}.
     */
    static void publish(String name, String heading, String table) throws IOException {
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", name), table);
        String output = System.getProperty("natlab.matrix.output");
        if (output != null && !output.isBlank()) {
            write(Path.of(output), heading, table);
        }
        System.out.println(table);
    }

    /** Replaces the part {@code heading} of the file at {@code path} (created when missing) with {@code text}. */
    static void write(Path path, String heading, String text) throws IOException {
        String old = Files.exists(path) ? Files.readString(path) : "";
        Files.writeString(path, replace(old, heading, text));
    }

    /** The main part and each section of {@code file}, in the file's order of parts ("" for a missing one). */
    static Map<String, String> parts(String file) {
        Map<String, Integer> starts = new LinkedHashMap<>();
        for (String heading : SECTIONS) {
            int at = file.startsWith(heading + "\n") || file.equals(heading) ? 0 : file.indexOf("\n" + heading + "\n");
            if (at < 0 && file.endsWith("\n" + heading)) {
                at = file.length() - heading.length() - 1;
            }
            starts.put(heading, at <= 0 ? at : at + 1);
        }
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put(MAIN, file.substring(0, next(starts, -1, file.length())));
        for (String heading : SECTIONS) {
            int at = starts.get(heading);
            parts.put(heading, at < 0 ? "" : file.substring(at, next(starts, at, file.length())));
        }
        return parts;
    }

    /** The first section start after {@code after}, or {@code end}. */
    private static int next(Map<String, Integer> starts, int after, int end) {
        int next = end;
        for (int at : starts.values()) {
            if (at > after && at < next) {
                next = at;
            }
        }
        return next;
    }
}
