package io.punchline.natlab;

import com.fasterxml.jackson.databind.JsonNode;
import io.punchline.natlab.NatLab.NatType;
import io.punchline.natlab.NatLab.Site;
import io.punchline.relay.TestRedis;
import io.punchline.testing.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.punchline.natlab.LabPeers.event;
import static io.punchline.natlab.LabPeers.switchedTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet on the lab's internet (issue 14): a Redis and relay 1 on the relay host, relay 2 (same identity) on the aux
 * host, two devices behind port-restricted NATs running the real {@code punchline send} and {@code receive}. Alice
 * names the fleet and binds on the relay she measured nearer; Bob is given the other one. Their pairing, across the two
 * relays, completes; then, as remembered peers on different relays, Bob finds Alice through the shared directory and
 * the session goes direct; her relay's process is killed in the middle of the file: she fails over to the other relay,
 * the file arrives intact, and a second file from Bob reaches her there.
 */
@Tag("lab")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FleetLabTest {

    static final String PREFIX = "plfl";
    /**
     * The big file must still be moving when alice notices her relay is gone (6 s of silence, then the fail-over): with
     * bob's UDP capped at {@value #SENDER_MEGABYTES_PER_SECOND} MB/s it takes at least 16 s, however fast the engine
     * gets (uncapped, the 600 MB this test used to send finished in 6 s, before the fail-over).
     */
    static final long FILE_BYTES = 400_000_000L;
    static final int SENDER_MEGABYTES_PER_SECOND = 25;

    @BeforeAll
    static void needsTheLab() throws IOException {
        NatLab.requireClean(PREFIX);
        Assumptions.assumeTrue(TestRedis.installed(), "redis-server is not installed (apt-get install redis-server): "
                + "the fleet lab test is skipped");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        NatLab.cleanUpAfter(PREFIX);
    }

    @Test
    void peersOnTwoRelaysOfAFleetPairFindEachOtherGoDirectAndOutliveTheLossOfOneRelay() throws Exception {
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("a", Site.of(NatType.EIM_APDF));
        sites.put("b", Site.of(NatType.EIM_APDF));
        Path work = Path.of("target", "natlab-fleet").toAbsolutePath();
        try (NatLab lab = NatLab.upSites(PREFIX, sites)) {
            String store = "redis://" + lab.relayHost().getHostAddress() + ":6379";
            lab.exec("relay", List.of("redis-server", "--bind", lab.relayHost().getHostAddress(), "--port", "6379",
                    "--protected-mode", "no", "--save", "", "--appendonly", "no"));
            awaitRedis(lab);
            List<String> fleetOptions = List.of("--store", store, "--fleet", "lab");
            try (LabPeers peers = new LabPeers(lab, work, false, fleetOptions)) {
                Path identity = Files.createDirectories(work.resolve("relay2"));
                for (String file : List.of("identity-mldsa65.key", "tls-identity.p12")) {
                    Files.copy(work.resolve("relay").resolve(file), identity.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
                List<String> second = new java.util.ArrayList<>(List.of("relay", "--listen",
                        lab.auxHost().getHostAddress() + ":" + LabPeers.RELAY_PORT, "--data-dir", identity.toString()));
                second.addAll(fleetOptions);
                Process relay2 = peers.start("aux", "relay2", second);
                String contact2 = LabPeers.firstLine(relay2, Duration.ofSeconds(60));
                String pins = peers.relayContact.substring(peers.relayContact.indexOf('#'));
                assertThat(contact2).as("one identity for the fleet").endsWith(pins);
                String fleet = peers.relayContact.substring(0, peers.relayContact.indexOf('#')) + "," + contact2;
                Map<String, Process> relays = Map.of(peers.relayContact, peers.relay, contact2, relay2);

                // 1. a pairing whose sides use different relays of the fleet
                Path small = work.resolve("outbox").resolve("small.bin");
                TestFiles.writeRandom(small, 2_000_000, 2);
                Process send = peers.start("a", "send1", List.of("send", "--relay", fleet, "--name", "alice", "--json",
                        small.toString()));
                LabPeers.Events sender = peers.events(send, "send1");
                JsonNode chosen = sender.await(event("relay.chosen"), Duration.ofSeconds(60));
                assertThat(chosen).as("alice measured the fleet").isNotNull();
                assertThat(chosen.path("rtts")).hasSize(2);
                assertThat(chosen.path("unreachable")).isEmpty();
                String alicesRelay = chosen.path("relay").asText();
                String other = alicesRelay.equals(peers.relayContact) ? contact2 : peers.relayContact;
                assertThat(chosen.path("fallback").asText()).isEqualTo(other);
                JsonNode code = sender.await(event("pairing.code"), Duration.ofSeconds(60));
                assertThat(code).as("pairing code").isNotNull();
                Process receive = peers.start("b", "receive1", List.of("receive", code.path("code").asText(),
                        "--relay", other, "--name", "bob", "--dir", work.resolve("inbox1").toString(), "--yes", "--json"));
                assertThat(send.waitFor(120, TimeUnit.SECONDS)).as("send finished").isTrue();
                assertThat(receive.waitFor(60, TimeUnit.SECONDS)).as("receive finished").isTrue();
                assertThat(send.exitValue()).isZero();
                assertThat(receive.exitValue()).isZero();
                assertThat(sender.first("pairing.done")).isNotNull();
                assertThat(TestFiles.sha256(work.resolve("inbox1").resolve("small.bin"))).isEqualTo(TestFiles.sha256(small));

                // 2. remembered peers on different relays: alice waits, bob finds her through his relay
                Process waiting = peers.start("a", "receive2", "send1", List.of("receive", "--relay", fleet, "--keep",
                        "--dir", work.resolve("inbox2").toString(), "--yes", "--json"));
                LabPeers.Events alice = peers.events(waiting, "receive2");
                assertThat(alice.await(event("receive.waiting"), Duration.ofSeconds(60))).isNotNull();
                String bound = alice.first("relay.chosen").path("relay").asText();
                String bobsRelay = bound.equals(peers.relayContact) ? contact2 : peers.relayContact;
                capUdpOutput(lab, "b", SENDER_MEGABYTES_PER_SECOND);
                Path big = work.resolve("outbox").resolve("big.bin");
                TestFiles.writeRandom(big, FILE_BYTES, 3);
                Process bigSend = peers.start("b", "send2", "receive1", List.of("send", "--relay", bobsRelay, "--to", "alice",
                        "--json", big.toString()));
                LabPeers.Events bob = peers.events(bigSend, "send2");
                assertThat(bob.await(switchedTo("direct"), Duration.ofSeconds(60))).as("direct across relays").isNotNull();
                assertThat(alice.await(node -> event("transfer.progress").test(node)
                        && node.path("bytes").asLong() > 20_000_000, Duration.ofSeconds(120))).isNotNull();

                // 3. alice's relay dies (its process killed, no goodbye): she moves to the other; the file carries on
                relays.get(bound).destroyForcibly();
                JsonNode failover = alice.await(event("relay.failover"), Duration.ofSeconds(30));
                assertThat(failover).as("alice failed over").isNotNull();
                assertThat(failover.path("from").asText()).isEqualTo(bound);
                assertThat(failover.path("to").asText()).isEqualTo(bobsRelay);
                long failedOver = failover.path("t").asLong();
                assertThat(alice.await(node -> event("transfer.progress").test(node) && node.path("t").asLong() > failedOver,
                        Duration.ofSeconds(60))).as("the file still moving after the fail-over").isNotNull();
                assertThat(bigSend.waitFor(300, TimeUnit.SECONDS)).as("the big file finished").isTrue();
                assertThat(bigSend.exitValue()).isZero();
                assertThat(bob.first("send.done").path("directBytes").asLong()).isGreaterThan(FILE_BYTES / 2);
                assertThat(TestFiles.sha256(work.resolve("inbox2").resolve("big.bin"))).isEqualTo(TestFiles.sha256(big));

                // and bob reaches her again at her new bind, through the relay they now share
                Process again = peers.start("b", "send3", "receive1", List.of("send", "--relay", bobsRelay, "--to", "alice",
                        "--json", small.toString()));
                assertThat(again.waitFor(120, TimeUnit.SECONDS)).as("second send finished").isTrue();
                assertThat(again.exitValue()).isZero();
                assertThat(TestFiles.sha256(work.resolve("inbox2").resolve("small.bin"))).isEqualTo(TestFiles.sha256(small));
            }
        }
    }

    /** An nftables policer on the host's UDP output: what goes over the rate is dropped, as on a slow uplink. */
    private static void capUdpOutput(NatLab lab, String host, int megabytesPerSecond) throws IOException {
        Duration timeout = Duration.ofSeconds(10);
        lab.run(host, timeout, List.of("nft", "add", "table", "inet", "fleet_cap"));
        lab.run(host, timeout, List.of("nft", "add", "chain", "inet", "fleet_cap", "out",
                "{ type filter hook output priority 0 ; }"));
        lab.run(host, timeout, List.of("nft", "add", "rule", "inet", "fleet_cap", "out", "meta", "l4proto", "udp",
                "limit", "rate", "over", megabytesPerSecond + "", "mbytes/second", "burst", "1", "mbytes", "drop"));
    }

    private static void awaitRedis(NatLab lab) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (lab.run("relay", Duration.ofSeconds(5), List.of("redis-cli", "-h", lab.relayHost().getHostAddress(),
                        "ping")).contains("PONG")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IOException("redis-server in the lab did not answer within 20 s");
    }
}
