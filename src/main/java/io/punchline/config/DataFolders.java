package io.punchline.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The platform's folders for Punchline's configuration and data: {@code $XDG_CONFIG_HOME/punchline} (or
 * {@code ~/.config/punchline}) on Linux, {@code ~/Library/Application Support/Punchline} on macOS and
 * {@code %APPDATA%\Punchline} on Windows. {@code PUNCHLINE_HOME} overrides all of them (tests, portable installs).
 */
public final class DataFolders {

    private DataFolders() {
    }

    public static Path config() {
        String override = System.getenv("PUNCHLINE_HOME");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Path.of(System.getProperty("user.home"));
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            return appData != null ? Path.of(appData, "Punchline") : home.resolve("AppData/Roaming/Punchline");
        }
        if (os.contains("mac")) {
            return home.resolve("Library/Application Support/Punchline");
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config")).resolve("punchline");
    }

    /** Where a relay started by this installation keeps its identity. */
    public static Path relayData() {
        return config().resolve("relay");
    }
}
