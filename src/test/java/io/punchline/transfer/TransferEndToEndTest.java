package io.punchline.transfer;

import io.punchline.session.PeerSession;
import io.punchline.transfer.TransferResult.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files, folders, selections, declines, cancels and resume between two real engines through a real relay
 * ({@link TwoPeerTransfers}).
 */
@Timeout(180)
class TransferEndToEndTest extends TwoPeerTransfers {

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
}
