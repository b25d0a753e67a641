package io.punchline.pairing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The fixed list of pairing words: the BIP-39 English list (2048 words, so 11 bits each), shipped as the resource
 * {@code words-en.txt} (origin and licence in {@code words-en.NOTICE.md} beside it). Every word is unique in its
 * first four letters, so a typed prefix of four letters (or fewer, when unambiguous) completes to one word.
 */
public final class PairingWords {

    public static final int SIZE = 2048;
    public static final int BITS_PER_WORD = 11;

    private static final List<String> WORDS = load();

    private PairingWords() {
    }

    private static List<String> load() {
        try (InputStream in = PairingWords.class.getResourceAsStream("words-en.txt")) {
            if (in == null) {
                throw new IllegalStateException("pairing word list words-en.txt is missing from the build");
            }
            List<String> words = new ArrayList<>(SIZE);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    words.add(line.trim());
                }
            }
            if (words.size() != SIZE) {
                throw new IllegalStateException("pairing word list has " + words.size() + " words, not " + SIZE);
            }
            return Collections.unmodifiableList(words);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All words, sorted. */
    public static List<String> all() {
        return WORDS;
    }

    public static String word(int index) {
        return WORDS.get(index);
    }

    /** The index of exactly {@code word} (lower case), or -1. */
    public static int indexOf(String word) {
        int at = Collections.binarySearch(WORDS, word);
        return at >= 0 ? at : -1;
    }

    /**
     * The word {@code typed} stands for: the word itself, or the only word it is a prefix of (so typing can
     * autocomplete). Case and surrounding spaces do not matter.
     *
     * @throws IllegalArgumentException for a word that is not on the list, or a prefix of several, with a suggestion
     */
    public static String complete(String typed) {
        String word = typed.trim().toLowerCase(Locale.ROOT);
        if (word.isEmpty()) {
            throw new IllegalArgumentException("empty pairing word");
        }
        if (indexOf(word) >= 0) {
            return word;
        }
        List<String> candidates = startingWith(word);
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.size() > 1) {
            throw new IllegalArgumentException("'" + word + "' could be " + String.join(", ",
                    candidates.subList(0, Math.min(4, candidates.size()))) + (candidates.size() > 4 ? ", ..." : "")
                    + "; type more letters");
        }
        String closest = closest(word);
        throw new IllegalArgumentException("'" + word + "' is not a pairing word"
                + (closest == null ? "" : "; did you mean '" + closest + "'?"));
    }

    /** The words starting with {@code prefix} (lower case), in order. */
    public static List<String> startingWith(String prefix) {
        int from = Collections.binarySearch(WORDS, prefix);
        if (from < 0) {
            from = -from - 1;
        }
        List<String> out = new ArrayList<>();
        for (int i = from; i < WORDS.size() && WORDS.get(i).startsWith(prefix); i++) {
            out.add(WORDS.get(i));
        }
        return out;
    }

    /** The nearest word by edit distance when it is at most 2 edits away (a typo), else null. */
    static String closest(String typed) {
        if (typed.length() > 16) {
            return null;
        }
        String best = null;
        int bestDistance = 3;
        for (String word : WORDS) {
            int distance = editDistance(typed, word);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = word;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
