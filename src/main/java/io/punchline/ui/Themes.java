package io.punchline.ui;

import io.punchline.ui.settings.Settings;
import javafx.scene.Scene;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Light and dark style sheets. "system" follows the desktop where it says: {@code GTK_THEME} naming a dark theme, or
 * GNOME's {@code color-scheme} set to prefer-dark; otherwise light.
 */
final class Themes {

    private static final String BASE = Themes.class.getResource("punchline.css").toExternalForm();
    private static final String LIGHT = Themes.class.getResource("light.css").toExternalForm();
    private static final String DARK = Themes.class.getResource("dark.css").toExternalForm();

    private Themes() {
    }

    static boolean isDark(String theme) {
        if (Settings.DARK.equals(theme)) {
            return true;
        }
        if (Settings.LIGHT.equals(theme)) {
            return false;
        }
        return systemPrefersDark();
    }

    static void apply(Scene scene, String theme) {
        scene.getStylesheets().setAll(BASE, isDark(theme) ? DARK : LIGHT);
    }

    static boolean systemPrefersDark() {
        String gtk = System.getenv("GTK_THEME");
        if (gtk != null) {
            return gtk.toLowerCase(Locale.ROOT).contains("dark");
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win") || os.contains("mac")) {
            return false;
        }
        try {
            Process process = new ProcessBuilder("gsettings", "get", "org.gnome.desktop.interface", "color-scheme")
                    .redirectErrorStream(true).start();
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return new String(process.getInputStream().readAllBytes()).contains("dark");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
