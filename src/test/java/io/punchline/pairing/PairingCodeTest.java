package io.punchline.pairing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pairing codes and the word list: forgiving about typing, strict about words. */
class PairingCodeTest {

    @Test
    void theWordListIsBip39English() {
        List<String> words = PairingWords.all();
        assertThat(words).hasSize(2048).isSorted();
        assertThat(new HashSet<>(words)).hasSize(2048);
        assertThat(words).allMatch(w -> w.matches("[a-z]{3,8}"));
        assertThat(words.stream().map(w -> w.substring(0, Math.min(4, w.length())))).doesNotHaveDuplicates();
        assertThat(words.get(0)).isEqualTo("abandon");
        assertThat(words.get(2047)).isEqualTo("zoo");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "42-velvet-able-zoo-frame          | 42-velvet-able-zoo-frame",
            "  42-velvet-able-zoo-frame        | 42-velvet-able-zoo-frame",
            "42 VELVET Able zoo FRAME          | 42-velvet-able-zoo-frame",
            "42 - velvet - able - zoo - frame  | 42-velvet-able-zoo-frame",
            "42--velv-able-zoo-fram            | 42-velvet-able-zoo-frame",
            "0042 velv able zoo fram           | 42-velvet-able-zoo-frame",
            "7-abandon-ability-able-about      | 7-abandon-ability-able-about",
    })
    void forgivingInputParses(String typed, String canonical) {
        assertThat(PairingCode.parse(typed).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "42-velvit-able-zoo-frame       | 'velvit' is not a pairing word; did you mean 'velvet'?",
            "42-velvet-able-zoo             | has 4 words after its number, this one has 3",
            "42-velvet-able-zoo-frame-zoo   | this one has 5",
            "velvet-able-zoo-frame          | starts with its number",
            "0-velvet-able-zoo-frame        | starts at 1",
            "12345678-velvet-able-zoo-frame | too long",
            "42-ab-able-zoo-frame           | 'ab' could be abandon, ability, able, about",
            "42-qqqqqq-able-zoo-frame       | 'qqqqqq' is not a pairing word",
            "42-velvet-able-zoo-fr4me       | 'fr4me' is not a pairing word; did you mean 'frame'?",
    })
    void strictAboutWordsAndShape(String typed, String message) {
        assertThatThrownBy(() -> PairingCode.parse(typed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void emptyInputExplainsTheShape() {
        assertThatThrownBy(() -> PairingCode.parse("   ")).hasMessageContaining("42-word-word-word-word");
    }
}
