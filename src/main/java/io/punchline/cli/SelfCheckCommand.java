package io.punchline.cli;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.TestStream;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code punchline self-check}: an installation test without a display or a network. Starts a relay and two engines
 * in this process on loopback (fresh identities, nothing written to the configuration folder), dials, sends test data
 * that the other engine checks by SHA-256, and prints OK.
 */
@Command(name = "self-check", mixinStandardHelpOptions = true,
        description = {"Checks this installation: an in-process relay and two engines on loopback, a dial,",
                "a post-quantum handshake over native QUIC (quiche) and a verified test stream. Prints OK and exits 0."})
final class SelfCheckCommand implements Callable<Integer> {

    @Option(names = "--bytes", defaultValue = "65536", description = "Test data to move (default: ${DEFAULT-VALUE}).")
    long bytes;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(loopback, 0))
                .withLoopbackTargets(true));
             Engine listener = engine(relay, loopback);
             Engine dialler = engine(relay, loopback)) {
            CompletableFuture<Void> received = new CompletableFuture<>();
            listener.onSession(session -> session.onStream(stream -> {
                try {
                    TestStream.receive(listener, session, stream);
                    received.complete(null);
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            }));
            PeerSession session = dialler.dial(listener.contact());
            TestStream.send(dialler, session, bytes, 1);
            received.get(30, TimeUnit.SECONDS);
            System.out.printf("OK: relay %s, handshake with %s, %d bytes verified (%s path, native QUIC with TLS group %s),"
                    + " %d ms%n", relay.listenAddress(), session.peer().shortFingerprint(), bytes, dialler.pathOf(session).jsonName(),
                    session.tlsGroup(), (System.nanoTime() - start) / 1_000_000);
            session.close();
        }
        return ExitCodes.OK;
    }

    private static Engine engine(RelayServer relay, InetAddress loopback) throws Exception {
        return Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                .withListen(new InetSocketAddress(loopback, 0)));
    }
}
