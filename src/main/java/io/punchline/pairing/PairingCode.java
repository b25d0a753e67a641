package io.punchline.pairing;

import io.punchline.mailbox.MailboxProtocol;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A pairing code, {@code NAMEPLATE-word-word-word-word}: the nameplate is the short decimal number the relay's
 * mailbox handed out (it names the mailbox entry, it is not secret); the four words, 44 bits from
 * {@link PairingWords}, are the secret both sides feed to Argon2id (docs/SECURITY.md section 7).
 *
 * <p>Parsing is forgiving about what people type (case, spaces around, spaces or dashes between parts, unique
 * prefixes of words) and strict about the rest: an unknown word is an error that names it and suggests the nearest.
 */
public record PairingCode(int nameplate, List<String> words) {

    public static final int WORDS = 4;
    /** Secret bits in a code: {@value #WORDS} words of {@value PairingWords#BITS_PER_WORD} bits. */
    public static final int ENTROPY_BITS = WORDS * PairingWords.BITS_PER_WORD;
    /** Nameplates are 1 to 7 decimal digits. */
    public static final int MAX_NAMEPLATE = MailboxProtocol.MAX_NAMEPLATE;

    public PairingCode {
        if (nameplate < 1 || nameplate > MAX_NAMEPLATE) {
            throw new IllegalArgumentException("a nameplate is a number from 1 to " + MAX_NAMEPLATE);
        }
        words = List.copyOf(words);
        if (words.size() != WORDS) {
            throw new IllegalArgumentException("a pairing code has " + WORDS + " words");
        }
        for (String word : words) {
            if (PairingWords.indexOf(word) < 0) {
                throw new IllegalArgumentException("'" + word + "' is not a pairing word");
            }
        }
    }

    /** A fresh code for {@code nameplate}: four words drawn uniformly from the list. */
    public static PairingCode generate(int nameplate, SecureRandom random) {
        List<String> words = new ArrayList<>(WORDS);
        for (int i = 0; i < WORDS; i++) {
            words.add(PairingWords.word(random.nextInt(PairingWords.SIZE)));
        }
        return new PairingCode(nameplate, words);
    }

    /**
     * Parses what a person typed, e.g. {@code " 42 Velvet-ABLE  zoo-fram"}.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static PairingCode parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty pairing code; it looks like 42-word-word-word-word");
        }
        if (text.length() > 200) {
            throw new IllegalArgumentException("too long for a pairing code");
        }
        String[] parts = text.trim().split("[\\s\\-]+");
        String first = parts[0];
        if (!first.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("a pairing code starts with its number, e.g. 42-word-word-word-word");
        }
        if (first.length() > 7) {
            throw new IllegalArgumentException("'" + first + "' is too long for a pairing code's number");
        }
        int nameplate = Integer.parseInt(first);
        if (nameplate < 1) {
            throw new IllegalArgumentException("a pairing code's number starts at 1");
        }
        if (parts.length - 1 != WORDS) {
            throw new IllegalArgumentException("a pairing code has " + WORDS + " words after its number, this one has "
                    + (parts.length - 1));
        }
        List<String> words = new ArrayList<>(WORDS);
        for (int i = 1; i < parts.length; i++) {
            words.add(PairingWords.complete(parts[i]));
        }
        return new PairingCode(nameplate, words);
    }

    /** The words joined by '-', lower case: what Argon2id takes as its password. */
    String secret() {
        return String.join("-", words);
    }

    @Override
    public String toString() {
        return nameplate + "-" + secret();
    }
}
