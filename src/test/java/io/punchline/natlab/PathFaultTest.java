package io.punchline.natlab;

import com.fasterxml.jackson.databind.JsonNode;
import io.punchline.natlab.NatLab.NatType;
import io.punchline.natlab.NatLab.Site;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.punchline.natlab.LabPeers.event;
import static io.punchline.natlab.LabPeers.switchedTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault test of issue 4: two port-restricted-cone sites go direct; the direct path between them is cut in the
 * middle of a transfer (UDP between the two NATs blocked, the relay still reachable). The transfer must finish through
 * the relay with identical data, the fallback must come within 3 s, and when the path returns the session goes direct
 * again.
 */
@Tag("lab")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PathFaultTest {

    static final String PREFIX = "plft";

    @BeforeAll
    static void needsTheLab() throws IOException {
        NatLab.requireClean(PREFIX);
    }

    @Test
    void aTransferFallsBackToTheRelayWhenTheDirectPathIsCutAndGoesDirectAgainWhenItReturns() throws Exception {
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("a", Site.of(NatType.EIM_APDF));
        sites.put("b", Site.of(NatType.EIM_APDF));
        try (NatLab lab = NatLab.upSites(PREFIX, sites);
             LabPeers peers = new LabPeers(lab, Path.of("target", "natlab-fault"))) {
            Process listen = peers.start("b", "listen", List.of("listen", "--relay", peers.relayContact, "--json"));
            JsonNode contact = peers.events(listen, "listen").await(event("listen.contact"), Duration.ofSeconds(60));
            assertThat(contact).as("listener contact").isNotNull();
            Process dial = peers.start("a", "dial", List.of("dial", contact.path("contact").asText(), "--json",
                    "--bytes", "150000000", "--linger", "30"));
            LabPeers.Events events = peers.events(dial, "dial");

            assertThat(events.await(switchedTo("direct"), Duration.ofSeconds(60))).as("first switch to direct").isNotNull();
            assertThat(events.await(node -> "transfer.progress".equals(node.path("event").asText())
                    && node.path("bytes").asLong() > 20_000_000, Duration.ofSeconds(60))).as("transfer under way").isNotNull();

            long cut = System.currentTimeMillis();
            lab.cutSiteFrom("a", lab.publicAddress("b"));
            JsonNode fallback = events.await(event("path.fallback"), Duration.ofSeconds(15));
            assertThat(fallback).as("fallback to the relay").isNotNull();
            assertThat(fallback.path("t").asLong() - cut).as("ms from cut to fallback").isLessThanOrEqualTo(3000);

            Thread.sleep(3000);
            lab.restoreSite("a");
            long fellBackAt = fallback.path("t").asLong();
            JsonNode again = events.await(node -> switchedTo("direct").test(node) && node.path("t").asLong() > fellBackAt,
                    Duration.ofSeconds(60));
            assertThat(again).as("direct again after the path returned").isNotNull();

            assertThat(dial.waitFor(300, TimeUnit.SECONDS)).as("dial finished").isTrue();
            assertThat(dial.exitValue()).as("dial exit code (0: the listener verified the SHA-256)").isZero();
            assertThat(events.first("transfer.finished")).isNotNull();
            JsonNode done = events.first("dial.done");
            assertThat(done.path("relayedBytes").asLong()).as("bytes through the relay").isGreaterThan(100_000);
            assertThat(done.path("directBytes").asLong()).as("bytes on the direct path").isGreaterThan(10_000_000);
        }
    }
}
