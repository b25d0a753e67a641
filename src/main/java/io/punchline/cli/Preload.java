package io.punchline.cli;

import io.punchline.crypto.CipherWarmUp;
import io.punchline.crypto.HandshakeRehearsal;
import io.punchline.nat.TraversalRehearsal;
import io.punchline.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Work a peer command will need, started on a second thread as soon as the command is known, so that it runs beside the
 * main thread's relay connection instead of after it (docs/BENCHMARKS.md, "Quick start"): the classes that make the peer listener's certificate, the event printer's JSON serializers
 * ({@link EventPrinter#warmUp}), the JIT warm-up of the record layer's cipher ({@link CipherWarmUp}), one traversal
 * played in memory ({@link TraversalRehearsal}) and one post-quantum handshake ({@link HandshakeRehearsal}). Nothing here has an effect a user could see except time: each step
 * only loads and exercises code, and a failure is left for the real use to report.
 */
final class Preload {

    private static final Logger LOG = LoggerFactory.getLogger(Preload.class);
    private static final Set<String> COMMANDS = Set.of("app", "send", "receive", "dial", "listen", "self-check", "relay");

    private Preload() {
    }

    /**
     * Starts the preload thread when {@code command} runs a peer engine or a relay (kwik's packet protection warms too);
     * {@code -Dpunchline.preload=false} leaves it out (for a benchmark that compares).
     */
    static void startFor(String command) {
        if (!COMMANDS.contains(command) || "false".equals(System.getProperty("punchline.preload"))) {
            return;
        }
        Thread thread = new Thread(Preload::run, "punchline-preload");
        thread.setDaemon(true);
        thread.setPriority(Thread.NORM_PRIORITY - 1);
        thread.start();
    }

    private static void run() {
        try {
            // no native libraries here: loading one (System.load, under the JDK's library lock) while the main thread
            // initialises java.net.InetAddress (which loads libnet under the same lock) deadlocked a relay at start
            // on JDK 17 (the library's JNI_OnLoad waited for InetAddress); the main thread loads them itself
            // in the order they are needed: the certificate while the engine starts, the printer and the traversal
            // as soon as a session opens (tens of milliseconds cold, on the way to the direct path), the cipher's JIT
            // warm-up (seconds of CPU) for the transfer's full rate
            TlsIdentity.generate("preload");
            EventPrinter.warmUp();
            TraversalRehearsal.run();
            CipherWarmUp.run();
            HandshakeRehearsal.run(); // last: the first real handshake comes after pairing
        } catch (Exception | LinkageError e) {
            LOG.debug("preload: {}", e.toString());
        }
    }
}
