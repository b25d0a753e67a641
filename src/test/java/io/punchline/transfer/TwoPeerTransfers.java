package io.punchline.transfer;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import io.punchline.transfer.TransferResult.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two real engines on loopback through a real relay (traversal off: everything relayed), the stream-kind dispatch done
 * here as the engine will do it. What {@link TransferEndToEndTest} and {@link TransferFailuresTest} share.
 */
@Timeout(180)
abstract class TwoPeerTransfers {

    @TempDir
    Path temp;

    RelayServer relay;
    private RelayAddress relayAddress;
    private final List<Peer> peers = new ArrayList<>();

    /** An engine with its own executor and Transfers, routing OFFER and FILE streams by their kind byte. */
    final class Peer implements AutoCloseable {
        final Engine engine;
        final ExecutorService pool = Executors.newCachedThreadPool();
        final List<TransferUpdate> updates = new CopyOnWriteArrayList<>();
        volatile Consumer<TransferUpdate> tap = u -> { };
        final Transfers transfers;

        Peer() throws Exception {
            engine = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relayAddress)
                    .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withTraversal(false));
            transfers = new Transfers(pool, u -> {
                updates.add(u);
                tap.accept(u);
            }, session -> engine.pathOf(session).jsonName(), temp.resolve("receiver-data/partial")); // one data folder: a restarted receiver
            engine.onSession(this::route);
        }

        void route(PeerSession session) {
            session.onStream(stream -> {
                try {
                    int kind = stream.input().read();
                    transfers.onStream(session, kind, stream);
                } catch (IOException | IllegalArgumentException e) {
                    stream.abort();
                }
            });
        }

        PeerSession dial(Peer other) throws IOException {
            PeerSession session = engine.dial(other.engine.contact());
            route(session);
            return session;
        }

        /** Closes the engine and waits until every transfer thread has finished (checkpoints included). */
        @Override
        public void close() throws InterruptedException {
            engine.close();
            pool.shutdown();
            assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).as("transfer threads ended").isTrue();
        }
    }

    @BeforeEach
    void startRelay() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        relayAddress = relay.address();
    }

    @AfterEach
    void stop() throws Exception {
        for (Peer peer : peers) {
            peer.close();
        }
        relay.close();
    }

    Peer peer() throws Exception {
        Peer peer = new Peer();
        peers.add(peer);
        return peer;
    }

    static void write(Path file, long bytes, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }

    /** Relative path -> SHA-256 hex for files, "dir" for folders. */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.isEmpty()) {
                    continue;
                }
                out.put(rel, Files.isDirectory(p) ? "dir" : HexFormat.of().formatHex(TargetFolder.sha256(p)));
            }
        }
        return out;
    }

    Path sampleTree(long bigBytes) throws IOException {
        Path tree = temp.resolve("src/tree");
        write(tree.resolve("big.bin"), bigBytes, 1);
        for (int i = 0; i < 60; i++) {
            Files.writeString(Files.createDirectories(tree.resolve("small")).resolve(String.format("f%03d.txt", i)), "small file " + i);
        }
        Files.createFile(tree.resolve("empty.txt"));
        Files.createDirectories(tree.resolve("empty folder"));
        Files.createDirectories(tree.resolve("café"));
        Files.writeString(tree.resolve("café/naïve 文件.txt"), "non-ASCII names survive");
        return tree;
    }

    static CompletableFuture<IncomingOffer> offers(Peer receiver) {
        CompletableFuture<IncomingOffer> offer = new CompletableFuture<>();
        receiver.transfers.onIncoming(offer::complete);
        return offer;
    }

    /** Sends {@code root}, accepts all into {@code target}; both must fail. Returns {sender, receiver} results. */
    TransferResult[] sendAndAccept(Path root, Path target) throws Exception {
        Peer a = peer();
        Peer b = peer();
        CompletableFuture<IncomingOffer> offered = offers(b);
        PeerSession session = a.dial(b);
        OutgoingTransfer sent = a.transfers.send(session, List.of(root), () -> "relay");
        IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
        offer.accept(target, null);
        TransferResult receiver = offer.result().get(60, TimeUnit.SECONDS);
        TransferResult sender = sent.result().get(30, TimeUnit.SECONDS);
        System.out.println("receiver: " + receiver.message() + "\nsender: " + sender.message());
        assertThat(receiver.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(sender.outcome()).isEqualTo(Outcome.FAILED);
        return new TransferResult[] {sender, receiver};
    }

    static void mountTmpfs(Path at, String options) throws Exception {
        Files.createDirectories(at);
        int exit = -1;
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
                    .redirectErrorStream(true).start();
            exit = mount.waitFor();
        } catch (IOException e) {
            // no mount command
        }
        assumeTrue(exit == 0, "needs root to mount a small tmpfs");
    }
}
