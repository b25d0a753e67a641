package io.punchline.transfer;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The naming rules a manifest must follow before a receiver touches its disk, chosen so that every name is a plain
 * relative path on Linux, macOS and Windows alike: relative, forward slashes only, no {@code .} or {@code ..} or empty
 * segment, no backslash, no character Windows refuses ({@code :<>"|?*}), no control character, no format character
 * (bidi overrides such as U+202E, zero-width characters: {@code Character.getType == FORMAT}), no Windows device name
 * (also with an extension, any case, including {@code COM0}-{@code COM9}, {@code COM¹²³}, {@code LPT} likewise,
 * {@code CONIN$}, {@code CONOUT$}), no trailing dot or space, bounded lengths, no two entries that one case-insensitive
 * file system would merge, and no entry under a file. One bad entry refuses the whole manifest, with a message naming
 * it.
 *
 * <p>The check is linear in the manifest's size: each path is normalised once, and whether an entry lies under a file
 * is answered from prefix hashes of its normalised key (a polynomial hash modulo 2^61-1 with a base drawn at random per
 * check, so a peer cannot aim collisions at it; a hash hit is confirmed by comparing the strings).
 */
public final class SafeNames {

    public static final int MAX_SEGMENT_BYTES = 255;

    private static final Set<String> DEVICES = devices();
    private static final String WINDOWS_FORBIDDEN = "<>\"|?*";
    private static final boolean[] ASCII_REFUSED = asciiRefused();
    private static final long MERSENNE_61 = (1L << 61) - 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SafeNames() {
    }

    private static Set<String> devices() {
        List<String> names = new ArrayList<>(List.of("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"));
        for (String port : List.of("COM", "LPT")) {
            for (char digit : "0123456789\u00b9\u00b2\u00b3".toCharArray()) {
                names.add(port + digit);
            }
        }
        return Set.copyOf(names);
    }

    private static boolean[] asciiRefused() {
        boolean[] refused = new boolean[0x80];
        for (int c = 0; c < 0x80; c++) {
            refused[c] = characterProblem(c) != null;
        }
        return refused;
    }

    /** Checks every entry and the manifest as a whole. */
    public static void check(Manifest manifest) throws TransferProtocolException {
        check(manifest, SafeNames::key);
    }

    /** {@link #check(Manifest)} with the normalisation given, so a test can count what it normalises. */
    static void check(Manifest manifest, UnaryOperator<String> keyOf) throws TransferProtocolException {
        List<ManifestEntry> entries = manifest.entries();
        if (entries.size() > ControlCodec.MAX_ENTRIES) {
            throw new TransferProtocolException(entries.size() + " entries, above the limit " + ControlCodec.MAX_ENTRIES);
        }
        Map<String, Integer> byKey = new HashMap<>();
        String[] keys = new String[entries.size()];
        long total = 0;
        for (int i = 0; i < entries.size(); i++) {
            ManifestEntry entry = entries.get(i);
            String problem = problem(entry.path());
            if (problem == null && (entry.mode() < 0 || entry.mode() > ControlCodec.MAX_MODE)) {
                problem = "mode " + Integer.toOctalString(entry.mode()) + " is more than permission bits";
            }
            if (problem == null && entry.size() < 0) {
                problem = "negative size";
            }
            if (problem != null) {
                throw refused(i, entry, problem);
            }
            total += entry.size();
            if (total > ControlCodec.MAX_TOTAL_BYTES) {
                throw new TransferProtocolException("the manifest's total size is above the limit " + ControlCodec.MAX_TOTAL_BYTES);
            }
            keys[i] = keyOf.apply(entry.path());
            Integer earlier = byKey.putIfAbsent(keys[i], i);
            if (earlier != null) {
                throw refused(i, entry, "same name as entry " + earlier + " \"" + printable(entries.get(earlier).path())
                        + "\" (names are compared ignoring case)");
            }
        }
        checkNothingUnderAFile(entries, keys);
    }

    /**
     * Refuses an entry whose key has a file's key followed by {@code /} as a prefix. The keys of a path's prefixes are
     * the prefixes of its key at each {@code /} (NFC and lower-casing never join characters across a {@code /}), so
     * one pass over each key with a rolling hash finds them all.
     */
    private static void checkNothingUnderAFile(List<ManifestEntry> entries, String[] keys) throws TransferProtocolException {
        long base = 256 + RANDOM.nextLong(MERSENNE_61 - 512);
        Map<Long, List<Integer>> filesByHash = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).isFile()) {
                filesByHash.computeIfAbsent(hash(keys[i], keys[i].length(), base), h -> new ArrayList<>(1)).add(i);
            }
        }
        if (filesByHash.isEmpty()) {
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            String key = keys[i];
            long h = 0;
            for (int at = 0; at < key.length(); at++) {
                char c = key.charAt(at);
                if (c == '/') {
                    List<Integer> files = filesByHash.get(h);
                    if (files != null) {
                        for (int file : files) {
                            if (keys[file].length() == at && key.startsWith(keys[file])) {
                                throw refused(i, entries.get(i), "lies under entry " + file + " \""
                                        + printable(entries.get(file).path()) + "\", which is a file");
                            }
                        }
                    }
                }
                h = step(h, c, base);
            }
        }
    }

    private static long hash(String key, int length, long base) {
        long h = 0;
        for (int at = 0; at < length; at++) {
            h = step(h, key.charAt(at), base);
        }
        return h;
    }

    private static long step(long h, char c, long base) {
        long lo = h * base;
        long hi = Math.multiplyHigh(h, base);
        long r = (lo & MERSENNE_61) + ((lo >>> 61) | (hi << 3)) + c + 1;
        while (r >= MERSENNE_61) {
            r -= MERSENNE_61;
        }
        return r;
    }

    /** Why {@code path} is not a safe relative name, or null when it is. One pass over its characters. */
    public static String problem(String path) {
        if (path.isEmpty()) {
            return "empty path";
        }
        if (path.length() > ControlCodec.MAX_PATH_BYTES || BodyReader.utf8Length(path) > ControlCodec.MAX_PATH_BYTES) {
            return "path longer than " + ControlCodec.MAX_PATH_BYTES + " bytes";
        }
        if (path.startsWith("/") || path.startsWith("\\") || (path.length() >= 2 && path.charAt(1) == ':')) {
            return "absolute path";
        }
        int segmentStart = 0;
        int segmentBytes = 0;
        for (int i = 0; i < path.length(); ) {
            char plain = path.charAt(i);
            if (plain < 0x80 && plain != '/' && !ASCII_REFUSED[plain]) {
                segmentBytes++;
                i++;
                continue;
            }
            int c = path.codePointAt(i);
            if (c == '/') {
                String problem = segmentProblem(path, segmentStart, i, segmentBytes);
                if (problem != null) {
                    return problem;
                }
                segmentStart = i + 1;
                segmentBytes = 0;
                i++;
                continue;
            }
            String problem = characterProblem(c);
            if (problem != null) {
                return problem;
            }
            segmentBytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            i += Character.charCount(c);
        }
        return segmentProblem(path, segmentStart, path.length(), segmentBytes);
    }

    private static String characterProblem(int c) {
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            return c == 0 ? "NUL character" : "control character " + codePoint(c);
        }
        if (c == '\\') {
            return "backslash (only forward slashes separate folders)";
        }
        if (c == ':') {
            return "colon";
        }
        if (WINDOWS_FORBIDDEN.indexOf(c) >= 0) {
            return "character '" + (char) c + "', which Windows does not allow in names";
        }
        if (c >= 0x80) {
            int type = Character.getType(c);
            if (type == Character.FORMAT) {
                return "invisible format character " + codePoint(c) + " (such as a bidi override)";
            }
            if (type == Character.SURROGATE) {
                return "unpaired surrogate " + codePoint(c);
            }
        }
        return null;
    }

    private static String codePoint(int c) {
        return String.format("U+%04X", c);
    }

    /** Why the segment {@code path[start, end)} of {@code bytes} UTF-8 bytes is not a safe name, or null. */
    private static String segmentProblem(String path, int start, int end, int bytes) {
        if (start == end) {
            return "empty path segment";
        }
        if (path.charAt(start) == '.' && (end - start == 1 || (end - start == 2 && path.charAt(start + 1) == '.'))) {
            return "\"" + path.substring(start, end) + "\" segment";
        }
        if (bytes > MAX_SEGMENT_BYTES) {
            return "a name longer than " + MAX_SEGMENT_BYTES + " bytes";
        }
        char last = path.charAt(end - 1);
        if (last == '.' || last == ' ') {
            return "name ends with a " + (last == '.' ? "dot" : "space");
        }
        int baseEnd = start;
        while (baseEnd < end && path.charAt(baseEnd) != '.') {
            baseEnd++;
        }
        while (baseEnd > start && Character.isWhitespace(path.charAt(baseEnd - 1))) {
            baseEnd--;
        }
        if (baseEnd - start <= 7 && DEVICES.contains(path.substring(start, baseEnd).toUpperCase(Locale.ROOT))) {
            return "\"" + path.substring(start, end) + "\" is a Windows device name";
        }
        return null;
    }

    /** The key under which one case-insensitive, normalising file system would store {@code path}. */
    static String key(String path) {
        return Normalizer.normalize(path, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    /** {@code path} with control and format characters (and unpaired surrogates) escaped, for messages. */
    public static String printable(String path) {
        StringBuilder out = new StringBuilder();
        String cut = path.length() > 200 ? path.substring(0, 200) + "..." : path;
        for (int i = 0; i < cut.length(); ) {
            int c = cut.codePointAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.SURROGATE) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    private static TransferProtocolException refused(int index, ManifestEntry entry, String problem) {
        return new TransferProtocolException("manifest refused: entry " + index + " \"" + printable(entry.path()) + "\": " + problem);
    }
}
