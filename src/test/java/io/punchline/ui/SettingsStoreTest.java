package io.punchline.ui;

import io.punchline.ui.settings.Profile;
import io.punchline.ui.settings.Settings;
import io.punchline.ui.settings.SettingsStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsStoreTest {

    @TempDir
    Path folder;

    @Test
    void savedSettingsAreReadBackAndNoTemporaryFileStays() throws Exception {
        SettingsStore store = new SettingsStore(folder);
        Settings settings = new Settings("relay.example:4433#AB#CD", 5000, "/tmp/in", "desk", Settings.DARK);
        store.save(settings);
        assertThat(new SettingsStore(folder).load()).isEqualTo(settings);
        try (var files = Files.list(folder)) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("settings.json");
        }
    }

    @Test
    void missingFileGivesTheDefaultsWithTheEmbeddedRelay() {
        Settings settings = new SettingsStore(folder).load();
        assertThat(settings.embeddedRelay()).isTrue();
        assertThat(settings.embeddedRelayPort()).isEqualTo(4433);
        assertThat(settings.theme()).isEqualTo("system");
    }

    @Test
    void unknownFieldsAreIgnoredAndAnUnreadableFileIsSetAside() throws Exception {
        Files.writeString(folder.resolve("settings.json"), "{\"deviceName\":\"x\",\"embeddedRelayPort\":7,\"future\":1}");
        assertThat(new SettingsStore(folder).load().deviceName()).isEqualTo("x");
        Files.writeString(folder.resolve("settings.json"), "{not json");
        assertThat(new SettingsStore(folder).load().embeddedRelay()).isTrue();
        assertThat(folder.resolve("settings.json.unreadable")).exists();
    }

    @Test
    void aSecondWindowGetsItsOwnProfileFolder() throws Exception {
        try (Profile first = Profile.open(folder); Profile second = Profile.open(folder)) {
            assertThat(first.folder()).isEqualTo(folder);
            assertThat(second.instance()).isEqualTo(2);
            assertThat(second.folder()).isEqualTo(folder.resolve("instances/2"));
        }
    }
}
