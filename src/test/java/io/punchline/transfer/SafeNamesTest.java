package io.punchline.transfer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

class SafeNamesTest {

    static final byte[] HASH = new byte[32];

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/etc/x", "C:\\x", "C:/x", "\\\\server\\x", "a/../../b", "a/./b", ".", "..", "a//b",
            "a/", "", "a\\b", "a:b", "a\u0000b", "a\nb", "a\u007fb", "NUL", "nul.txt", "con", "Aux.tar.gz", "COM1",
            "lpt9.log", "dir/PRN", "trailing.", "trailing ", "dir./x"})
    void aHostileNameRefusesTheWholeManifestNamingTheEntry(String hostile) {
        Manifest manifest = new Manifest(List.of(ManifestEntry.file("fine.txt", 1, 0644, HASH),
                ManifestEntry.file(hostile, 1, 0644, HASH)));
        assertThatThrownBy(() -> SafeNames.check(manifest)).isInstanceOf(TransferProtocolException.class)
                .hasMessageStartingWith("manifest refused: entry 1 \"" + SafeNames.printable(hostile) + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"report.pdf", "café/naïve 文件.txt", "a/b/c", ".hidden", "CONSOLE.txt", "com10", "x.nul",
            "..a", "a..b"})
    void anOrdinaryNameIsAccepted(String name) {
        assertThat(SafeNames.problem(name)).isNull();
    }

    @Test
    void tooLongSegmentsAndPathsAreRefused() {
        assertThat(SafeNames.problem("a".repeat(256))).contains("longer than 255");
        assertThat(SafeNames.problem(("a".repeat(200) + "/").repeat(21) + "a")).contains("longer than 4096");
    }

    @Test
    void duplicatesAreRefusedAlsoWhenTheyDifferOnlyInCaseOrNormalisation() {
        for (List<String> pair : List.of(List.of("a/b", "a/b"), List.of("Readme.md", "README.MD"),
                List.of("caf\u00e9", "cafe\u0301"))) {
            Manifest manifest = new Manifest(List.of(ManifestEntry.file(pair.get(0), 1, 0644, HASH),
                    ManifestEntry.file(pair.get(1), 1, 0644, HASH)));
            assertThatThrownBy(() -> SafeNames.check(manifest)).hasMessageContaining("entry 1").hasMessageContaining("same name as entry 0");
        }
    }

    @Test
    void aFileMayNotSitUnderAPathThatIsAFile() {
        Manifest manifest = new Manifest(List.of(ManifestEntry.file("a", 1, 0644, HASH), ManifestEntry.file("a/b", 1, 0644, HASH)));
        assertThatThrownBy(() -> SafeNames.check(manifest)).hasMessageContaining("entry 1 \"a/b\": lies under entry 0 \"a\", which is a file");
        Manifest folders = new Manifest(List.of(ManifestEntry.directory("a", 0755), ManifestEntry.file("a/b", 1, 0644, HASH),
                ManifestEntry.directory("empty", 0700)));
        assertThatCode(() -> SafeNames.check(folders)).doesNotThrowAnyException();
    }
}
