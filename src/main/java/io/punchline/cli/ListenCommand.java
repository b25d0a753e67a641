package io.punchline.cli;

import io.punchline.engine.Engine;
import io.punchline.engine.TestStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code punchline listen}: binds on a relay, prints the contact, and receives test streams from dialling peers. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Waits for peers: prints a contact string (PEER@BIND@RELAY) that `punchline dial` takes.",
                "Each test stream a peer sends is checked (count and SHA-256) and answered."})
final class ListenCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options = new EngineOptions();

    @Option(names = "--once", description = "Exit after the first test stream has been received.")
    boolean once;

    @Override
    public Integer call() throws Exception {
        EventPrinter printer = new EventPrinter(options.json, System.out, System.err);
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger failures = new AtomicInteger();
        try (Engine engine = options.start()) {
            engine.events().subscribe(printer);
            printer.result("listen.contact", engine.contact().toString(), "contact", engine.contact().toString());
            engine.onSession(session -> session.onStream(stream -> {
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
            // give the answer time to reach the dialler before the connection closes
            Thread.sleep(once ? 1000 : 0);
        } finally {
            options.close();
        }
        return failures.get() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
