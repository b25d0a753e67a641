package io.punchline.natlab;

import com.fasterxml.jackson.databind.JsonNode;
import io.punchline.natlab.NatLab.NatType;
import io.punchline.natlab.NatLab.Site;
import io.punchline.testing.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.punchline.natlab.LabPeers.event;
import static io.punchline.natlab.LabPeers.switchedTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * File transfer across the NAT lab (issue 5) with the real {@code punchline send} and {@code receive} processes: a
 * 200 MB file starts through the relay and the session moves to the direct path in the middle of it; and a file that
 * starts direct falls back to the relay in the middle. Both arrive identical.
 */
@Tag("lab")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class TransferLabTest {

    static final String PREFIX = "pltr";
    static final long FILE_BYTES = 200_000_000L;

    @BeforeAll
    static void needsTheLab() throws IOException {
        NatLab.requireClean(PREFIX);
    }

    @Test
    void aFileThatStartsThroughTheRelayGoesDirectMidFileAndOneThatStartsDirectFallsBackMidFile() throws Exception {
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("a", Site.of(NatType.EIM_APDF));
        sites.put("b", Site.of(NatType.EIM_APDF));
        Path work = Path.of("target", "natlab-transfer").toAbsolutePath();
        try (NatLab lab = NatLab.upSites(PREFIX, sites);
             LabPeers peers = new LabPeers(lab, work)) {
            Path file = work.resolve("outbox").resolve("big.bin");
            TestFiles.writeRandom(file, FILE_BYTES, 1);
            String expected = TestFiles.sha256(file);

            // 1. relay first: direct UDP between the sites is cut, so punching fails and the file starts relayed
            lab.cutSiteFrom("a", lab.publicAddress("b"));
            Transfer first = start(peers, "1", file, work.resolve("inbox1"));
            assertThat(first.sender.await(progressOver(1_000_000, "relay"), Duration.ofSeconds(120)))
                    .as("the file under way through the relay").isNotNull();
            assertThat(first.sender.await(node -> event("punch.finished").test(node)
                    && "failed".equals(node.path("outcome").asText()), Duration.ofSeconds(60)))
                    .as("a punch round failed while the path was cut").isNotNull();
            lab.restoreSite("a"); // the next round, after the scheduler's backoff, finds the path open
            JsonNode direct = first.sender.await(switchedTo("direct"), Duration.ofSeconds(60));
            assertThat(direct).as("switch to direct after the path opened").isNotNull();
            first.finish();
            assertThat(first.sender.first(node -> event("transfer.progress").test(node)
                    && "direct".equals(node.path("path").asText()) && node.path("bytes").asLong() < FILE_BYTES))
                    .as("progress on the direct path before the end of the file").isNotNull();
            assertThat(TestFiles.sha256(work.resolve("inbox1").resolve("big.bin"))).isEqualTo(expected);

            // 2. direct first, then the direct path is cut in the middle of the file
            Transfer second = start(peers, "2", file, work.resolve("inbox2"));
            assertThat(second.sender.await(switchedTo("direct"), Duration.ofSeconds(60))).as("direct").isNotNull();
            JsonNode under = second.sender.await(progressOver(20_000_000, "direct"), Duration.ofSeconds(120));
            assertThat(under).as("20 MB on the direct path").isNotNull();
            lab.cutSiteFrom("a", lab.publicAddress("b"));
            JsonNode fallback = second.sender.await(event("path.fallback"), Duration.ofSeconds(15));
            assertThat(fallback).as("fallback to the relay").isNotNull();
            second.finish();
            assertThat(TestFiles.sha256(work.resolve("inbox2").resolve("big.bin"))).isEqualTo(expected);
            lab.restoreSite("a");
        }
    }

    private record Transfer(Process send, Process receive, LabPeers.Events sender, LabPeers.Events receiver) {
        void finish() throws Exception {
            assertThat(send.waitFor(300, TimeUnit.SECONDS)).as("send finished").isTrue();
            assertThat(receive.waitFor(60, TimeUnit.SECONDS)).as("receive finished").isTrue();
            assertThat(send.exitValue()).as("send exit code").isZero();
            assertThat(receive.exitValue()).as("receive exit code").isZero();
            assertThat(sender.first("transfer.finished")).isNotNull();
            assertThat(receiver.first("transfer.finished")).isNotNull();
        }
    }

    private static Transfer start(LabPeers peers, String round, Path file, Path inbox) throws Exception {
        Process send = peers.start("a", "send" + round, List.of("send", "--relay", peers.relayContact, "--json",
                file.toString()));
        LabPeers.Events sender = peers.events(send, "send" + round);
        JsonNode code = sender.await(event("pairing.code"), Duration.ofSeconds(60));
        assertThat(code).as("pairing code").isNotNull();
        Process receive = peers.start("b", "receive" + round, List.of("receive", code.path("code").asText(),
                "--relay", peers.relayContact, "--dir", inbox.toString(), "--yes", "--json"));
        return new Transfer(send, receive, sender, peers.events(receive, "receive" + round));
    }

    private static Predicate<JsonNode> progressOver(long bytes, String path) {
        return node -> "transfer.progress".equals(node.path("event").asText()) && node.path("bytes").asLong() > bytes
                && path.equals(node.path("path").asText());
    }

}
