package io.punchline.transfer;

import io.punchline.session.PeerSession;
import io.punchline.transfer.TransferResult.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Files hashed before their session exists ({@link Transfers#prepare}), between two real engines through a real relay. */
@Timeout(120)
class PreparedFilesTest extends TwoPeerTransfers {

    @Test
    void filesHashedAheadAreOfferedUnderTheIdTheirHashingWasReportedUnder() throws Exception {
        Peer a = peer();
        Peer b = peer();
        Path file = temp.resolve("src/ahead.bin");
        write(file, 3L << 20, 11);
        PreparedFiles prepared = a.transfers.prepare(List.of(file));
        while (!prepared.isHashed()) {
            Thread.sleep(5);
        }
        TransferUpdate.Hashing hashed = (TransferUpdate.Hashing) a.updates.stream()
                .filter(u -> u instanceof TransferUpdate.Hashing).reduce((x, y) -> y).orElseThrow();
        assertThat(hashed.bytes()).isEqualTo(hashed.total()).isEqualTo(3L << 20);

        CompletableFuture<IncomingOffer> offered = offers(b);
        PeerSession session = a.dial(b);
        OutgoingTransfer sent = a.transfers.send(session, prepared, () -> "relay");
        assertThat(sent.id()).isEqualTo(hashed.id());
        long hashingBefore = a.updates.stream().filter(u -> u instanceof TransferUpdate.Hashing).count();
        IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
        offer.accept(temp.resolve("target"), null);
        assertThat(offer.result().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(sent.result().get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(Files.readAllBytes(temp.resolve("target/ahead.bin"))).isEqualTo(Files.readAllBytes(file));
        // nothing was hashed again for the offer
        assertThat(a.updates.stream().filter(u -> u instanceof TransferUpdate.Hashing).count()).isEqualTo(hashingBefore);

        // a resend of the same prepared files (after a lost connection) is a transfer of its own
        CompletableFuture<IncomingOffer> again = offers(b);
        OutgoingTransfer resent = a.transfers.send(session, prepared, () -> "relay");
        assertThat(resent.id()).isNotEqualTo(sent.id());
        again.get(30, TimeUnit.SECONDS).decline();
        assertThat(resent.result().get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.DECLINED);
    }

    @Test
    void aFileChangedAfterItWasHashedIsHashedAgainSoTheOfferNamesWhatIsSent() throws Exception {
        Peer a = peer();
        Peer b = peer();
        Path file = temp.resolve("src/draft.txt");
        PreparedFiles prepared = hashedAhead(a, file, "first draft");
        Files.writeString(file, " and a second paragraph", StandardOpenOption.APPEND);
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));

        CompletableFuture<IncomingOffer> offered = offers(b);
        PeerSession session = a.dial(b);
        OutgoingTransfer sent = a.transfers.send(session, prepared, () -> "relay");
        byte[] now = Files.readAllBytes(file);
        assertThat(sent.manifest().entries().get(0).size()).isEqualTo(now.length);
        assertThat(sent.manifest().entries().get(0).sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(now));
        IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
        offer.accept(temp.resolve("target"), null);
        assertThat(offer.result().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(Files.readString(temp.resolve("target/draft.txt"))).isEqualTo("first draft and a second paragraph");
    }

    @Test
    void aFileGoneBeforeTheOfferFailsTheSendWithItsNameAndNoOfferLeaves() throws Exception {
        Peer a = peer();
        Path file = temp.resolve("src/gone.txt");
        PreparedFiles prepared = hashedAhead(a, file, "soon gone");
        Files.delete(file);
        Peer b = peer();
        CompletableFuture<IncomingOffer> offered = offers(b);
        PeerSession session = a.dial(b);
        assertThatThrownBy(() -> a.transfers.send(session, prepared, () -> "relay"))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("gone.txt");
        Thread.sleep(300);
        assertThat(offered).isNotDone();
    }

    /** Writes {@code text} to {@code file} and has {@code sender} hash it ahead, waiting until it has. */
    private static PreparedFiles hashedAhead(Peer sender, Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        PreparedFiles prepared = sender.transfers.prepare(List.of(file));
        while (!prepared.isHashed()) {
            Thread.sleep(5);
        }
        return prepared;
    }
}
