package io.punchline.transfer;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import io.punchline.transfer.TransferResult.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A peer's reason for ending a transfer reaches the other side's message, whatever the timing: the side that ends
 * sends its ABORT on the control stream before it resets a file stream and before its own listeners hear of the end,
 * and the other side, on a reset file stream, waits for the control stream's word.
 */
@Timeout(120)
class PeerReasonTest {

    @TempDir
    Path temp;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /**
     * The CI failure of issue 12: the receiver reset the file stream, then published its ending, then sent ABORT; the
     * sender reported "sending ... failed: ... reset" when the ABORT came late. Here the receiver's listener holds its
     * thread on the receiver's ending until the sender has a result, so an ABORT sent after the ending never arrives
     * in time: the sender's message must still be the receiver's reason.
     */
    @Test
    void theReceiversReasonReachesTheSenderBeforeItsFileStreamIsReset() throws Exception {
        Path readOnly = temp.resolve("target/docs");
        readOnlyFolder(readOnly);
        Path docs = temp.resolve("src/docs");
        Files.createDirectories(docs);
        // larger than the receiver's stream window and the bridge's write-ahead together, so the sender is still
        // writing when the receiver resets the stream (a small file would be handed to QUIC whole before that)
        TwoPeerTransfers.write(docs.resolve("report.pdf"), 24L << 20, 12);

        RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        open.add(relay);
        CompletableFuture<TransferResult> senderDone = new CompletableFuture<>();
        Transfers sender = transfers(relay, update -> { });
        Transfers receiver = transfers(relay, update -> {
            if (update instanceof TransferUpdate.Failed failed && failed.direction() == Direction.RECEIVE) {
                try {
                    senderDone.get(30, TimeUnit.SECONDS); // a slow listener: the ending is published late
                } catch (Exception e) {
                    throw new IllegalStateException("the sender never ended", e);
                }
            }
        });
        CompletableFuture<IncomingOffer> offered = new CompletableFuture<>();
        receiver.onIncoming(offered::complete);

        PeerSession session = engines.get(0).dial(engines.get(1).contact());
        route(session, sender);
        OutgoingTransfer sent = sender.send(session, List.of(docs), () -> "relay");
        sent.result().thenAccept(senderDone::complete);
        IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
        offer.accept(temp.resolve("target"), null);

        TransferResult received = offer.result().get(60, TimeUnit.SECONDS);
        TransferResult result = sent.result().get(60, TimeUnit.SECONDS);
        assertThat(received.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(received.message()).containsAnyOf("Read-only file system", "permission denied")
                .contains("report.pdf");
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).startsWith("the peer ended the transfer: ")
                .containsAnyOf("Read-only file system", "permission denied");
    }

    private final List<Engine> engines = new ArrayList<>();

    /** An engine (traversal off) with its own Transfers, which gets the OFFER and FILE streams of accepted engines. */
    private Transfers transfers(RelayServer relay, TransferListener listener) throws Exception {
        Engine engine = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withTraversal(false));
        ExecutorService pool = Executors.newCachedThreadPool();
        open.add(() -> {
            engine.close();
            pool.shutdown();
            pool.awaitTermination(20, TimeUnit.SECONDS);
        });
        engines.add(engine);
        Transfers transfers = new Transfers(pool, listener, session -> "relay", temp.resolve("data-" + engines.size()));
        engine.onSession(session -> route(session, transfers));
        return transfers;
    }

    private static void route(PeerSession session, Transfers transfers) {
        session.onStream(stream -> {
            try {
                transfers.onStream(session, stream.input().read(), stream);
            } catch (IOException | IllegalArgumentException e) {
                stream.abort();
            }
        });
    }

    /** A folder this process cannot write: mode 0555, or for root a read-only tmpfs (skipped where none can be mounted). */
    private void readOnlyFolder(Path at) throws Exception {
        Files.createDirectories(at);
        if (!"root".equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(at, TargetFolder.permissions(0555));
            open.add(0, () -> Files.setPosixFilePermissions(at, TargetFolder.permissions(0755)));
            return;
        }
        int exit = -1;
        try {
            exit = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", at.toString())
                    .redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            // no mount command
        }
        assumeTrue(exit == 0, "needs root to mount a read-only tmpfs");
        open.add(0, () -> new ProcessBuilder("umount", at.toString()).start().waitFor());
    }
}
