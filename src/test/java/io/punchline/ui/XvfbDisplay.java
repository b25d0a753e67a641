package io.punchline.ui;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Gives the UI tests a display. With a real DISPLAY the tests use it. Without one, the pom's {@code xvfb} profile
 * runs the tests with {@code DISPLAY=:97} and names it in {@code punchline.xvfb.display}; this extension then starts
 * {@code Xvfb :97} itself (before JavaFX starts) if it is installed and nothing serves that display yet. With neither,
 * every UI test is skipped with the reason.
 */
public final class XvfbDisplay implements BeforeAllCallback {

    private static Process server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ensure();
    }

    static synchronized void ensure() throws Exception {
        String display = System.getenv("DISPLAY");
        assumeTrue(display != null && !display.isBlank(),
                "UI tests skipped: no DISPLAY (run them through Maven, which points them at Xvfb :97, or set DISPLAY)");
        if (display.equals(System.getProperty("punchline.xvfb.display")) && server == null) {
            Path socket = Path.of("/tmp/.X11-unix/X" + display.substring(display.indexOf(':') + 1));
            if (!Files.exists(socket)) {
                File xvfb = onPath("Xvfb");
                assumeTrue(xvfb != null, "UI tests skipped: no DISPLAY and no Xvfb (apt-get install xvfb)");
                server = new ProcessBuilder(xvfb.getPath(), display, "-screen", "0", "1400x900x24", "-nolisten", "tcp")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> server.destroy(), "xvfb-stop"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!Files.exists(socket) && server.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assumeTrue(Files.exists(socket), "UI tests skipped: Xvfb " + display + " did not start");
            }
        }
        // software rendering under Xvfb; TestFX's glass robot needs no AWT
        System.setProperty("prism.order", System.getProperty("prism.order", "sw"));
        System.setProperty("testfx.robot", System.getProperty("testfx.robot", "glass"));
    }

    private static File onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate;
            }
        }
        return null;
    }
}
