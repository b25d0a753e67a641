package io.punchline.cli;

import io.punchline.engine.Engine;
import io.punchline.engine.TestStream;
import io.punchline.session.PeerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** {@code punchline listen}: binds on a relay, prints the contact, and receives test streams from dialling peers. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Waits for peers: prints a contact string (PEER@BIND@RELAY) that `punchline dial` takes.",
                "Each test stream a peer sends is checked (count and SHA-256) and answered."})
final class ListenCommand implements Callable<Integer> {

    /** How long {@code --once} waits for the dialler to close the session before closing it itself. */
    private static final Duration DIALLER_CLOSE_WAIT = Duration.ofSeconds(1);

    @Mixin
    EngineOptions options = new EngineOptions();

    @Option(names = "--once", description = "Exit after the first test stream has been received.")
    boolean once;

    @Override
    public Integer call() throws Exception {
        EventPrinter printer = new EventPrinter(options.json, System.out, System.err);
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<PeerSession> answered = new AtomicReference<>();
        try (Engine engine = options.start()) {
            engine.events().subscribe(printer);
            printer.result("listen.contact", engine.contact().toString(), "contact", engine.contact().toString());
            engine.warmUpDataPath(); // while no one has dialled yet
            engine.onSession(session -> session.onStream(stream -> {
                answered.set(session);
                try {
                    TestStream.receive(engine, session, stream);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    printer.result("error", "punchline listen: test stream failed: " + e.getMessage(),
                            "message", "test stream failed: " + e.getMessage());
                    stream.abort();
                }
                if (once) {
                    done.countDown();
                }
            }));
            Runtime.getRuntime().addShutdownHook(new Thread(done::countDown, "listen-shutdown"));
            done.await();
            if (once && answered.get() != null) {
                // the dialler closes once it has read the answer; closing first could discard the answer in flight
                try {
                    answered.get().closed().get(DIALLER_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // a dialler that lingers: the answer had its time
                }
            }
        } finally {
            options.close();
        }
        return failures.get() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
