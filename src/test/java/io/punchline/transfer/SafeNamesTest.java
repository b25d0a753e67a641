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
    @ValueSource(strings = {"invoice\u202Efdp.exe", "a\u202Db", "zero\u200Bwidth", "\uFEFFbom.txt", "a\u2066b\u2069",
            "COM\u00b9", "lpt\u00b2.txt", "Com\u00b3.log", "COM0", "lpt0.txt", "CONIN$", "conout$.txt", "dir/CONIN$",
            "a<b", "a>b", "say \"hi\"", "a|b", "what?", "star*.txt"})
    void formatCharactersMissingDeviceNamesAndWindowsForbiddenCharactersRefuseTheManifest(String hostile) {
        Manifest manifest = new Manifest(List.of(ManifestEntry.file("fine.txt", 1, 0644, HASH),
                ManifestEntry.file(hostile, 1, 0644, HASH)));
        assertThatThrownBy(() -> SafeNames.check(manifest)).isInstanceOf(TransferProtocolException.class)
                .hasMessageStartingWith("manifest refused: entry 1 \"" + SafeNames.printable(hostile) + "\"");
        assertThat(SafeNames.printable(hostile)).doesNotContain("\u202E", "\u202D", "\u200B", "\uFEFF", "\u2066");
    }

    @Test
    void theManifestCheckNormalisesEachPathOnceSoItsCostIsLinearInTheManifestSize() throws Exception {
        // 4096 entries of depth 2047, a 16 MiB manifest: the earlier check normalised every prefix of every path
        // (entries x depth^2 characters, about 17 billion here, tens of CPU seconds)
        List<ManifestEntry> entries = new java.util.ArrayList<>();
        String deep = "a/".repeat(2046);
        long pathChars = 0;
        for (int i = 0; i < 4096; i++) {
            String path = deep + Integer.toString(i, 36);
            pathChars += path.length();
            entries.add(ManifestEntry.file(path, 1, 0644, HASH));
        }
        long[] normalised = {0, 0};
        SafeNames.check(new Manifest(entries), path -> {
            normalised[0]++;
            normalised[1] += path.length();
            return SafeNames.key(path);
        });
        assertThat(normalised[0]).as("normalisations").isEqualTo(entries.size());
        assertThat(normalised[1]).as("characters normalised").isEqualTo(pathChars);

        List<ManifestEntry> underAFile = new java.util.ArrayList<>(entries);
        underAFile.add(ManifestEntry.file("A/A", 1, 0644, HASH)); // a key every deep path starts with: "a/a/"
        assertThatThrownBy(() -> SafeNames.check(new Manifest(underAFile)))
                .hasMessageContaining("entry 0 ").hasMessageContaining("lies under entry 4096 \"A/A\", which is a file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"report.pdf", "café/naïve 文件.txt", "a/b/c", ".hidden", "CONSOLE.txt", "com10", "x.nul",
            "..a", "a..b", "COM\u00b9x", "CONIN", "conout.txt", "caf\u00e9 \ud83d\ude00.txt", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629"})
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
        Manifest fileAfter = new Manifest(List.of(ManifestEntry.file("x/y/z", 1, 0644, HASH), ManifestEntry.file("X/Y", 1, 0644, HASH)));
        assertThatThrownBy(() -> SafeNames.check(fileAfter)).hasMessageContaining("entry 0 \"x/y/z\": lies under entry 1 \"X/Y\", which is a file");
        Manifest siblings = new Manifest(List.of(ManifestEntry.file("ab", 1, 0644, HASH), ManifestEntry.file("ab.c/d", 1, 0644, HASH),
                ManifestEntry.file("a/b", 1, 0644, HASH)));
        assertThatCode(() -> SafeNames.check(siblings)).doesNotThrowAnyException();
    }
}
