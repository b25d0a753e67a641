package io.punchline.transfer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The naming rules a manifest must follow before a receiver touches its disk, chosen so that every name is a plain
 * relative path on Linux, macOS and Windows alike: relative, forward slashes only, no {@code .} or {@code ..} or empty
 * segment, no backslash, colon or control character, no Windows device name (also with an extension, any case), no
 * trailing dot or space, bounded lengths, no two entries that one case-insensitive file system would merge, and no
 * entry under a file. One bad entry refuses the whole manifest, with a message naming it.
 */
public final class SafeNames {

    public static final int MAX_SEGMENT_BYTES = 255;

    private static final Set<String> DEVICES = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

    private SafeNames() {
    }

    /** Checks every entry and the manifest as a whole. */
    public static void check(Manifest manifest) throws TransferProtocolException {
        List<ManifestEntry> entries = manifest.entries();
        if (entries.size() > ControlCodec.MAX_ENTRIES) {
            throw new TransferProtocolException(entries.size() + " entries, above the limit " + ControlCodec.MAX_ENTRIES);
        }
        Map<String, Integer> byKey = new HashMap<>();
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
            Integer earlier = byKey.putIfAbsent(key(entry.path()), i);
            if (earlier != null) {
                throw refused(i, entry, "same name as entry " + earlier + " \"" + printable(entries.get(earlier).path())
                        + "\" (names are compared ignoring case)");
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            String path = entries.get(i).path();
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                Integer parent = byKey.get(key(path.substring(0, slash)));
                if (parent != null && entries.get(parent).isFile()) {
                    throw refused(i, entries.get(i), "lies under entry " + parent + " \"" + printable(entries.get(parent).path())
                            + "\", which is a file");
                }
            }
        }
    }

    /** Why {@code path} is not a safe relative name, or null when it is. */
    public static String problem(String path) {
        if (path.isEmpty()) {
            return "empty path";
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > ControlCodec.MAX_PATH_BYTES) {
            return "path longer than " + ControlCodec.MAX_PATH_BYTES + " bytes";
        }
        if (path.startsWith("/") || path.startsWith("\\") || (path.length() >= 2 && path.charAt(1) == ':')) {
            return "absolute path";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                return c == 0 ? "NUL character" : "control character U+" + String.format("%04X", (int) c);
            }
            if (c == '\\') {
                return "backslash (only forward slashes separate folders)";
            }
            if (c == ':') {
                return "colon";
            }
        }
        for (String segment : path.split("/", -1)) {
            String problem = segmentProblem(segment);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String segmentProblem(String segment) {
        if (segment.isEmpty()) {
            return "empty path segment";
        }
        if (segment.equals(".") || segment.equals("..")) {
            return "\"" + segment + "\" segment";
        }
        if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            return "a name longer than " + MAX_SEGMENT_BYTES + " bytes";
        }
        char last = segment.charAt(segment.length() - 1);
        if (last == '.' || last == ' ') {
            return "name ends with a " + (last == '.' ? "dot" : "space");
        }
        int dot = segment.indexOf('.');
        String base = (dot < 0 ? segment : segment.substring(0, dot)).stripTrailing().toUpperCase(Locale.ROOT);
        if (DEVICES.contains(base)) {
            return "\"" + segment + "\" is a Windows device name";
        }
        return null;
    }

    /** The key under which one case-insensitive, normalising file system would store {@code path}. */
    static String key(String path) {
        return Normalizer.normalize(path, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    /** {@code path} with control characters escaped, for messages. */
    public static String printable(String path) {
        StringBuilder out = new StringBuilder();
        String cut = path.length() > 200 ? path.substring(0, 200) + "..." : path;
        for (char c : cut.toCharArray()) {
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static TransferProtocolException refused(int index, ManifestEntry entry, String problem) {
        return new TransferProtocolException("manifest refused: entry " + index + " \"" + printable(entry.path()) + "\": " + problem);
    }
}
