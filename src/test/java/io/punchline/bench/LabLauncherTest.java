package io.punchline.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The lab benchmark starts punchline with the installed launcher's JVM options. */
class LabLauncherTest {

    @Test
    void theInstallersJavaOptionsAreTakenInOrderWithoutTheImagesOwnPaths() throws Exception {
        assertThat(LabLauncher.installedOptions(List.of("--name punchline", "--java-options \"-Dprism.verbose=false\"",
                "--java-options \"-Xmn32m\"", "--java-options \"-XX:SharedArchiveFile=$APPDIR/punchline.jsa\"",
                "--jlink-options \"--strip-debug\"")))
                .containsExactly("-Dprism.verbose=false", "-Xmn32m");
        assertThat(LabLauncher.installedOptions(Files.readAllLines(Path.of("installers", "common.options"))))
                .contains("-Xmn32m");
    }

    @Test
    void extraJavaOptionsComeAfterTheInstalledOnes() {
        assertThat(LabLauncher.withExtra(List.of("-Xmn32m"), "  -Da=1   -Db=2 ")).containsExactly("-Xmn32m", "-Da=1", "-Db=2");
        assertThat(LabLauncher.withExtra(List.of("-Xmn32m"), "")).containsExactly("-Xmn32m");
    }
}
