package io.punchline.masque;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** connect-udp-bind (draft -13) and capsule-protocol (RFC 9297 section 3.4): SF Item, Boolean, else absent. */
class BindHeadersTest {

    @Test
    void booleanTrueIsSet() {
        assertThat(BindHeaders.isTrue("?1")).isTrue();
        assertThat(BindHeaders.TRUE).isEqualTo("?1");
    }

    @Test
    void booleanFalseIsAbsent() {
        assertThat(BindHeaders.isTrue("?0")).isFalse();
    }

    @Test
    void unknownParametersAreIgnored() {
        assertThat(BindHeaders.isTrue("?1;foo=bar")).isTrue();
        assertThat(BindHeaders.isTrue("?1;a;b=?0;c=\"x\"")).isTrue();
    }

    @Test
    void surroundingSpacesAreDiscarded() {
        assertThat(BindHeaders.isTrue("  ?1  ")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "?", "?2", "?1?", "true", "\"?1\"", "?1, ?1", "(?1)", "?1;", "?1;A=1", "\t?1",
            ":P0E=:", "?1 ;a", "?\u00e9"})
    void anyOtherValueIsHandledAsAbsent(String value) {
        assertThat(BindHeaders.isTrue(value)).isFalse();
    }

    @Test
    void repeatedFieldBecomesAListAndIsHandledAsAbsent() {
        assertThat(BindHeaders.isTrue(List.of("?1", "?1"))).isFalse();
    }

    @Test
    void missingFieldIsAbsent() {
        assertThat(BindHeaders.isTrue(List.of())).isFalse();
        assertThat(BindHeaders.isTrue((String) null)).isFalse();
    }
}
