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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * here as the engine will do it: files, folders, selections, declines, cancels, resume and disk errors.
 */
@Timeout(180)
class TransferEndToEndTest {

    @TempDir
    Path temp;

    private RelayServer relay;
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

    private Peer peer() throws Exception {
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

    private Path sampleTree(long bigBytes) throws IOException {
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

    private static CompletableFuture<IncomingOffer> offers(Peer receiver) {
        CompletableFuture<IncomingOffer> offer = new CompletableFuture<>();
        receiver.transfers.onIncoming(offer::complete);
        return offer;
    }

    @Test
    void aFolderTreeArrivesIdenticalWithBigSmallEmptyAndNonAsciiEntries() throws Exception {
        Peer a = peer();
        Peer b = peer();
        Path tree = sampleTree(16L << 20); // several checkpoints (4 MiB) and many progress intervals
        Path target = temp.resolve("target");
        CompletableFuture<IncomingOffer> offered = offers(b);
        PeerSession session = a.dial(b);
        long start = System.nanoTime();
        OutgoingTransfer sent = a.transfers.send(session, List.of(tree), () -> a.engine.pathOf(session).jsonName());
        IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
        assertThat(offer.manifest()).isEqualTo(sent.manifest());
        offer.accept(target, null);

        TransferResult received = offer.result().get(150, TimeUnit.SECONDS);
        TransferResult result = sent.result().get(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(received.outcome()).as(received.message()).isEqualTo(Outcome.COMPLETED);
        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.COMPLETED);
        assertThat(tree(target.resolve("tree"))).isEqualTo(tree(tree));
        assertThat(result.files()).isEqualTo(63);
        assertThat(received.bytes()).isEqualTo(sent.manifest().totalBytes());
        long progress = b.updates.stream().filter(u -> u instanceof TransferUpdate.Progress).count();
        assertThat(progress).isBetween(1L, (long) (seconds * 4) + 2);
        TransferUpdate.Progress last = (TransferUpdate.Progress) b.updates.stream()
                .filter(u -> u instanceof TransferUpdate.Progress).reduce((x, y) -> y).orElseThrow();
        assertThat(last.networkPath()).isEqualTo("relay");
        assertThat(a.updates).anyMatch(u -> u instanceof TransferUpdate.Hashing);
        System.out.printf("tree of %d MB in %.1f s, %d progress updates on the receiver%n",
                sent.manifest().totalBytes() >> 20, seconds, progress);
    }

    @Test
    void aPartialAcceptReceivesOnlyTheSelectedEntriesAndAFolderSelectsItsContents() throws Exception {
        Peer a = peer();
        Peer b = peer();
        Path tree = sampleTree(1 << 20);
        Path target = temp.resolve("target");
        CompletableFuture<IncomingOffer> offered = offers(b);
        PeerSession session = a.dial(b);
        OutgoingTransfer sent = a.transfers.send(session, List.of(tree), () -> "relay");
        offered.get(30, TimeUnit.SECONDS).accept(target, Set.of("tree/small", "tree/café/naïve 文件.txt"));
        assertThat(sent.result().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.COMPLETED);
        Map<String, String> got = tree(target);
        assertThat(got).containsKeys("tree/small/f000.txt", "tree/small/f059.txt", "tree/café/naïve 文件.txt")
                .doesNotContainKeys("tree/big.bin", "tree/empty.txt", "tree/empty folder");
        assertThat(got.keySet().stream().filter(k -> k.startsWith("tree/small/"))).hasSize(60);
    }

    @Test
    void aDeclinedOfferEndsDeclinedOnBothSidesAndWritesNothing() throws Exception {
        Peer a = peer();
        Peer b = peer();
        Path tree = sampleTree(1 << 20);
        CompletableFuture<IncomingOffer> offered = offers(b);
        PeerSession session = a.dial(b);
        OutgoingTransfer sent = a.transfers.send(session, List.of(tree), () -> "relay");
        IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
        offer.decline();
        assertThat(sent.result().get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.DECLINED);
        assertThat(offer.result().get().outcome()).isEqualTo(Outcome.DECLINED);
        assertThat(temp.resolve("target")).doesNotExist();
    }

    @Test
    void aReceiverCancelMidFileEndsCancelledByThePeerOnTheSender() throws Exception {
        cancelMidFile(false);
    }

    @Test
    void aSenderCancelMidFileEndsCancelledByThePeerOnTheReceiver() throws Exception {
        cancelMidFile(true);
    }

    private void cancelMidFile(boolean bySender) throws Exception {
        Peer a = peer();
        Peer b = peer();
        Path big = temp.resolve("src/big.bin");
        write(big, 48L << 20, 3);
        Path target = temp.resolve("target");
        CompletableFuture<IncomingOffer> offered = offers(b);
        CompletableFuture<Void> midFile = new CompletableFuture<>();
        b.tap = u -> {
            if (u instanceof TransferUpdate.Progress p && p.bytes() > (4 << 20)) {
                midFile.complete(null);
            }
        };
        PeerSession session = a.dial(b);
        OutgoingTransfer sent = a.transfers.send(session, List.of(big), () -> "relay");
        IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
        offer.accept(target, null);
        midFile.get(60, TimeUnit.SECONDS);
        (bySender ? (Transfer) sent : offer).cancel();
        TransferResult senderResult = sent.result().get(30, TimeUnit.SECONDS);
        TransferResult receiverResult = offer.result().get(30, TimeUnit.SECONDS);
        assertThat(senderResult.outcome()).isEqualTo(bySender ? Outcome.CANCELLED_BY_SELF : Outcome.CANCELLED_BY_PEER);
        assertThat(receiverResult.outcome()).isEqualTo(bySender ? Outcome.CANCELLED_BY_PEER : Outcome.CANCELLED_BY_SELF);
        assertThat((bySender ? receiverResult : senderResult).message()).isEqualTo("cancelled by the peer");
        assertThat(target.resolve("big.bin")).doesNotExist();
        assertThat(b.updates).anyMatch(u -> u instanceof TransferUpdate.Cancelled c && c.bySelf() != bySender);
    }

    @Test
    void aTransferInterruptedByAClosedReceiverResumesFromWhatWasVerified() throws Exception {
        Peer a = peer();
        Peer b1 = new Peer();
        Path big = temp.resolve("src/big.bin");
        write(big, 32L << 20, 5);
        Path small = temp.resolve("src/small.txt");
        Files.writeString(small, "small");
        Path target = temp.resolve("target");
        CompletableFuture<IncomingOffer> offered = offers(b1);
        CompletableFuture<Void> midFile = new CompletableFuture<>();
        b1.tap = u -> {
            if (u instanceof TransferUpdate.Progress p && p.bytes() > (8 << 20)) {
                midFile.complete(null);
            }
        };
        PeerSession first = a.dial(b1);
        OutgoingTransfer sent = a.transfers.send(first, List.of(big, small), () -> "relay");
        offered.get(30, TimeUnit.SECONDS).accept(target, null);
        midFile.get(60, TimeUnit.SECONDS);
        b1.close();
        assertThat(sent.result().get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.FAILED);
        long arrived = Files.size(target.resolve("big.bin.part"));
        assertThat(target.resolve("big.bin")).doesNotExist();
        assertThat(TargetFolderTest.listing(target)).containsExactlyInAnyOrder("big.bin.part", "small.txt");
        assertThat(TargetFolderTest.listing(temp.resolve("receiver-data/partial"))).anyMatch(n -> n.endsWith(".state"));

        Peer b2 = peer();
        CompletableFuture<IncomingOffer> again = offers(b2);
        PeerSession second = a.dial(b2);
        OutgoingTransfer resent = a.transfers.send(second, List.of(big, small), () -> "relay");
        IncomingOffer offer = again.get(30, TimeUnit.SECONDS);
        assertThat(offer.resumable(target)).containsOnlyKeys("big.bin");
        assertThat(offer.resumable(target).get("big.bin")).isPositive().isLessThanOrEqualTo(arrived);
        offer.accept(target, null);
        TransferResult result = resent.result().get(60, TimeUnit.SECONDS);
        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.COMPLETED);
        long resentBytes = result.bytes() - (Files.size(big) - arrived);
        System.out.printf("resume: %d of %d bytes had arrived; the second run sent %d bytes, %d of them again%n",
                arrived, Files.size(big), result.bytes(), resentBytes);
        assertThat(resentBytes).isLessThan(arrived / 10);
        assertThat(TargetFolder.sha256(target.resolve("big.bin"))).isEqualTo(TargetFolder.sha256(big));
        assertThat(TargetFolderTest.listing(target)).containsExactlyInAnyOrder("big.bin", "small.txt");
        assertThat(TargetFolderTest.listing(temp.resolve("receiver-data/partial"))).noneMatch(n -> n.endsWith(".state"));
    }

    @Test
    void partAndStateFilesAPeerSentAreNeverResumedSoAnotherOfferFinishesWithItsOwnBytes() throws Exception {
        // a paired peer sends app.bin.part (its bytes) and .app.bin.part.state (the real app's hash, size and digest
        // state, verified offset = size); a later offer of the real app.bin from another peer must not finish with them
        Peer attacker = peer();
        Peer honest = peer();
        Peer receiver = peer();
        Path target = temp.resolve("downloads");
        byte[] real = new byte[3 << 20];
        new Random(21).nextBytes(real);
        byte[] evil = new byte[real.length];
        new Random(666).nextBytes(evil);
        Path app = temp.resolve("honest/app.bin");
        Files.createDirectories(app.getParent());
        Files.write(app, real);
        Files.setPosixFilePermissions(app, TargetFolder.permissions(0755));
        org.bouncycastle.crypto.digests.SHA256Digest digest = new org.bouncycastle.crypto.digests.SHA256Digest();
        digest.update(real, 0, real.length);
        Path plant = Files.createDirectories(temp.resolve("attacker"));
        Files.write(plant.resolve("app.bin.part"), evil);
        // the state in the (version 1) layout the receiver used to read beside a part
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(200).put("PLPS".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        io.punchline.wire.QuicVarint.encode(1, v1);
        v1.put(TargetFolder.sha256(app));
        io.punchline.wire.QuicVarint.encode(real.length, v1);
        io.punchline.wire.QuicVarint.encode(real.length, v1);
        io.punchline.wire.QuicVarint.encode(digest.getEncodedState().length, v1);
        v1.put(digest.getEncodedState());
        Files.write(plant.resolve(".app.bin.part.state"), java.util.Arrays.copyOf(v1.array(), v1.position()));

        for (Peer sender : List.of(attacker, honest)) {
            CompletableFuture<IncomingOffer> offered = offers(receiver);
            PeerSession session = sender.dial(receiver);
            List<Path> roots = sender == attacker
                    ? List.of(plant.resolve("app.bin.part"), plant.resolve(".app.bin.part.state")) : List.of(app);
            OutgoingTransfer sent = sender.transfers.send(session, roots, () -> "relay");
            IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
            if (sender == honest) {
                assertThat(offer.resumable(target)).isEmpty();
            }
            offer.accept(target, null);
            TransferResult result = offer.result().get(60, TimeUnit.SECONDS);
            assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.COMPLETED);
            assertThat(sent.result().get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.COMPLETED);
        }
        assertThat(Files.readAllBytes(target.resolve("app.bin"))).as("app.bin holds the honest bytes").isEqualTo(real);
        assertThat(Files.getPosixFilePermissions(target.resolve("app.bin"))).isEqualTo(TargetFolder.permissions(0755));
        assertThat(Files.readAllBytes(target.resolve("app.bin.part"))).as("the attacker's file is kept as sent").isEqualTo(evil);
        assertThat(TargetFolderTest.listing(target)).containsExactlyInAnyOrder("app.bin", "app.bin.part", ".app.bin.part.state");
    }

    @Test
    void aFullDiskEndsTheTransferOnBothSidesWithAClearMessageAndNoFinalFile() throws Exception {
        Path target = temp.resolve("target");
        mountTmpfs(target, "size=2m");
        try {
            Path big = temp.resolve("src/big.bin");
            write(big, 6L << 20, 9);
            TransferResult[] results = sendAndAccept(big, target);
            assertThat(results[1].message()).contains("No space left on device").contains("big.bin");
            assertThat(results[0].message()).contains("No space left on device");
            assertThat(target.resolve("big.bin")).doesNotExist();
        } finally {
            new ProcessBuilder("umount", target.toString()).start().waitFor();
        }
    }

    @Test
    void aReadOnlyTargetFolderEndsTheTransferOnBothSidesWithAClearMessage() throws Exception {
        Path target = temp.resolve("target");
        Path readOnly = target.resolve("docs");
        Files.createDirectories(readOnly);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            mountTmpfs(readOnly, "ro,size=1m");
        } else {
            Files.setPosixFilePermissions(readOnly, TargetFolder.permissions(0555));
        }
        try {
            Path docs = temp.resolve("src/docs");
            write(docs.resolve("report.pdf"), 100_000, 11);
            TransferResult[] results = sendAndAccept(docs, target);
            assertThat(results[1].message()).containsAnyOf("Read-only file system", "permission denied").contains("report.pdf");
            assertThat(results[0].message()).containsAnyOf("Read-only file system", "permission denied");
            assertThat(readOnly.resolve("report.pdf")).doesNotExist();
        } finally {
            if (root) {
                new ProcessBuilder("umount", readOnly.toString()).start().waitFor();
            } else {
                Files.setPosixFilePermissions(readOnly, TargetFolder.permissions(0755));
            }
        }
    }

    /** Sends {@code root}, accepts all into {@code target}; both must fail. Returns {sender, receiver} results. */
    private TransferResult[] sendAndAccept(Path root, Path target) throws Exception {
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

    private static void mountTmpfs(Path at, String options) throws Exception {
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
