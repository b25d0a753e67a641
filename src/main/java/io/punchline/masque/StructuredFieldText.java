package io.punchline.masque;

/** RFC 8941 section 4.2: parsers discard leading and trailing SP (only SP, not HTAB) of a field value. */
final class StructuredFieldText {

    private StructuredFieldText() {
    }

    static String trimSp(String fieldLine) {
        int start = 0;
        int end = fieldLine.length();
        while (start < end && fieldLine.charAt(start) == ' ') {
            start++;
        }
        while (end > start && fieldLine.charAt(end - 1) == ' ') {
            end--;
        }
        return fieldLine.substring(start, end);
    }
}
