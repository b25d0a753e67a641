package io.punchline.cli;

import io.punchline.engine.Engine;
import io.punchline.engine.TestStream;
import io.punchline.session.PeerContact;
import io.punchline.session.PeerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code punchline dial CONTACT}: connects to a listening peer and streams test data to it. */
@Command(name = "dial", mixinStandardHelpOptions = true,
        description = {"Connects to a peer by the contact `punchline listen` printed, runs the post-quantum handshake,",
                "and streams test data (checked by SHA-256 on the other side)."})
final class DialCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options = new EngineOptions();

    @Parameters(paramLabel = "CONTACT", description = "PEER@BIND@RELAY, as `punchline listen` printed it.")
    String contact;

    @Option(names = "--bytes", defaultValue = "20000000", description = "Test data to send (default: ${DEFAULT-VALUE}).")
    long bytes;

    @Option(names = "--streams", defaultValue = "1", description = "Test streams to send one after another (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--linger", defaultValue = "0", paramLabel = "SECONDS",
            description = "Keep the session open this long after the last stream (to watch the path).")
    int lingerSeconds;

    @Override
    public Integer call() throws Exception {
        PeerContact peer;
        try {
            peer = PeerContact.parse(contact);
        } catch (IllegalArgumentException e) {
            System.err.println("punchline dial: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        EventPrinter printer = new EventPrinter(options.json, System.out, System.err);
        options.relayAddress(peer.relay());
        try (Engine engine = options.start()) {
            engine.events().subscribe(printer);
            PeerSession session = engine.dial(peer);
            for (int i = 0; i < streams; i++) {
                TestStream.send(engine, session, bytes, i + 1);
            }
            if (lingerSeconds > 0) {
                Thread.sleep(lingerSeconds * 1000L);
            }
            printer.result("dial.done", "sent " + streams + " x " + bytes + " bytes, verified by the peer",
                    "streams", streams, "bytes", bytes, "relayedBytes", engine.relayedBytes(),
                    "directBytes", engine.directBytes(), "path", engine.pathOf(session));
            session.close();
        } finally {
            options.close();
        }
        return ExitCodes.OK;
    }
}
