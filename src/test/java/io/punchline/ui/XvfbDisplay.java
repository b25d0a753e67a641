package io.punchline.ui;

import org.junit.jupiter.api.extension.BeforeEachCallback;
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
 * every UI test is skipped with the reason (each one, so that the report counts them as skipped).
 */
public final class XvfbDisplay implements BeforeEachCallback {

    private static Process server;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        ensure();
    }

    static synchronized void ensure() throws Exception {
        String display = System.getenv("DISPLAY");
        assumeTrue(display != null && !display.isBlank(),
                "UI tests skipped: no DISPLAY (run them through Maven, which points them at Xvfb :97, or set DISPLAY)");
        if (display.equals(System.getProperty("punchline.xvfb.display")) && server == null) {
            String number = display.substring(display.indexOf(':') + 1);
            Path socket = Path.of("/tmp/.X11-unix/X" + number);
            Path lock = Path.of("/tmp/.X" + number + "-lock");
            if (Files.exists(socket) && !serverAlive(lock)) {
                // left behind by a server that is gone
                Files.deleteIfExists(socket);
                Files.deleteIfExists(lock);
            }
            if (!Files.exists(socket)) {
                File xvfb = onPath("Xvfb");
                assumeTrue(xvfb != null, "UI tests skipped: no DISPLAY and no Xvfb (apt-get install xvfb)");
                // stopped by a watchdog shell once this JVM has exited: killing it from a shutdown hook makes GTK see
                // its display break and exit the JVM with an error before surefire has its answer
                String watchdog = "\"$0\" \"$1\" -screen 0 1400x900x24 -nolisten tcp & x=$!; "
                        + "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 1; done; kill $x";
                server = new ProcessBuilder("sh", "-c", watchdog, xvfb.getPath(), display)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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

    private static boolean serverAlive(Path lock) {
        try {
            long pid = Long.parseLong(Files.readString(lock).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (Exception e) {
            return false;
        }
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
