package io.punchline.wire;

/**
 * Text a peer chose (an abort reason, a name) made safe to print or show: control characters (C0, DEL, C1, so no
 * terminal escape sequence survives), format characters ({@code Character.getType == FORMAT}: bidi overrides and
 * isolates, zero-width characters), line and paragraph separators and unpaired surrogates are removed. Applied where
 * peer text enters our own messages and events, so that every consumer (CLI, JSON lines, the window) gets clean text.
 */
public final class PeerText {

    private PeerText() {
    }

    /** {@code text} without the characters above; null stays null. */
    public static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (isUnsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
            } else if (out != null) {
                out.appendCodePoint(c);
            }
            i = next;
        }
        return out == null ? text : out.toString();
    }

    /** Whether {@code codePoint} is one that {@link #clean} removes. */
    public static boolean isUnsafe(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }
}
