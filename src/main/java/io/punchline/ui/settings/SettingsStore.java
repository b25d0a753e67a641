package io.punchline.ui.settings;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads and writes {@code settings.json}: written to a temporary file in the same folder and moved into place with
 * ATOMIC_MOVE, so a crash never leaves half a file; an unreadable file is kept aside and the defaults are used.
 */
public final class SettingsStore {

    public static final String FILE = "settings.json";
    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    public SettingsStore(Path folder) {
        this.file = folder.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    public Settings load() {
        if (!Files.exists(file)) {
            return Settings.defaults();
        }
        try {
            Settings read = JSON.readValue(file.toFile(), Settings.class);
            return read.deviceName() == null
                    ? new Settings(read.relay(), read.embeddedRelayPort(), read.downloadFolder(),
                    Settings.defaultDeviceName(), read.theme(), read.portMapping())
                    : read;
        } catch (IOException | IllegalArgumentException e) {
            Path aside = file.resolveSibling(FILE + ".unreadable");
            LOG.warn("settings file {} is unreadable ({}); moved to {}, using defaults", file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // the defaults apply either way
            }
            return Settings.defaults();
        }
    }

    public void save(Settings settings) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), FILE, ".tmp");
        try {
            JSON.writeValue(temp.toFile(), settings);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
