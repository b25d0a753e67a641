package io.punchline.natlab;

import com.fasterxml.jackson.databind.JsonNode;
import io.punchline.natlab.NatLab.NatType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
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
 * Port mapping against a real gateway (issue 13): Debian's miniupnpd (nftables build) on the router of a symmetric NAT
 * site, configured like a home router's default (UPnP-IGD and NAT-PMP/PCP on the LAN side, secure mode: a LAN host maps
 * only to itself). The listener behind it gets a mapping, offers it as a candidate, and a dialler behind another
 * symmetric NAT (a pair the matrix leaves on the relay) goes direct through it; when the listener exits, its mapping
 * is gone from the router's ruleset.
 *
 * <p>miniupnpd refuses to map on a router whose WAN address is reserved, and the lab's internet is 198.18.0.0/15
 * (benchmarking, reserved). So the router also holds {@link #MAPPED_ADDRESS} on its WAN side, given to miniupnpd as
 * its external address, and the other site's router routes that one address to it: both exist only in the lab's
 * namespaces, which have no way out.
 */
@Tag("lab")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PortMappingLabTest {

    static final String PREFIX = NatLab.prefix("plpm");
    static final String MAPPED_ADDRESS = "11.18.1.1";
    static final Path MINIUPNPD = Path.of("/usr/sbin/miniupnpd");

    @BeforeAll
    static void needsTheLabAndMiniupnpd() throws IOException {
        NatLab.unavailableReason().ifPresent(reason -> Assumptions.abort("NAT lab not available: " + reason));
        Assumptions.assumeTrue(Files.isExecutable(MINIUPNPD),
                "miniupnpd not installed (apt-get install miniupnpd-nftables): port mapping lab test skipped");
        NatLab.cleanLeftovers(PREFIX);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (NatLab.unavailableReason().isEmpty()) {
            NatLab.down(PREFIX);
        }
    }

    @Test
    void aPeerBehindMiniupnpdIsReachedDirectlyThroughItsMappingFromBehindASymmetricNat() throws Exception {
        Path work = Path.of("target", "natlab-portmapping").toAbsolutePath();
        Map<String, NatType> sites = new LinkedHashMap<>();
        sites.put("a", NatType.APDM);
        sites.put("b", NatType.APDM);
        try (NatLab lab = NatLab.up(PREFIX, sites); LabPeers peers = new LabPeers(lab, work)) {
            startMiniupnpd(lab, work);

            Process listen = peers.start("a", "listen", List.of("listen", "--relay", peers.relayContact, "--json", "--once"));
            LabPeers.Events listenEvents = peers.events(listen, "listen");
            JsonNode mapped = listenEvents.await(event("port-mapping"), Duration.ofSeconds(60));
            assertThat(mapped).as("a port-mapping event from the listener (see %s)", work).isNotNull();
            assertThat(mapped.path("protocol").asText()).isEqualTo("pcp");
            assertThat(mapped.path("advertised").asBoolean()).isTrue();
            String external = mapped.path("external").asText();
            assertThat(external).startsWith("/" + MAPPED_ADDRESS + ":");
            assertThat(rules(lab)).as("miniupnpd's DNAT rule for the mapping").contains("dnat");

            JsonNode contact = listenEvents.await(event("listen.contact"), Duration.ofSeconds(60));
            assertThat(contact).isNotNull();
            Process dial = peers.start("b", "dial", List.of("dial", contact.path("contact").asText(), "--json",
                    "--bytes", "2000000", "--linger", "1"));
            LabPeers.Events dialEvents = peers.events(dial, "dial");
            assertThat(dial.waitFor(120, TimeUnit.SECONDS)).as("dial finished").isTrue();
            assertThat(dial.exitValue()).as("dial exit code").isZero();
            JsonNode remote = dialEvents.first(node -> "candidate.added".equals(node.path("event").asText())
                    && !node.path("local").asBoolean() && node.path("address").asText().equals(external));
            assertThat(remote).as("the dialler got the mapped address as a candidate").isNotNull();
            JsonNode direct = dialEvents.first(switchedTo("direct"));
            assertThat(direct).as("the dialler went direct").isNotNull();
            assertThat(direct.path("address").asText()).as("through the mapping").isEqualTo(external);

            assertThat(listen.waitFor(30, TimeUnit.SECONDS)).as("listen --once exited").isTrue();
            assertThat(rules(lab)).as("the mapping deleted when the listener exited").doesNotContain("dnat");
        }
    }

    /** The tables miniupnpd's nftables build fills (its nft_init.sh, in a table of its own), then the daemon. */
    private static void startMiniupnpd(NatLab lab, Path work) throws IOException, InterruptedException {
        String wan = lab.publicAddress("a").getHostAddress();
        lab.run("a-r", Duration.ofSeconds(10), List.of("ip", "addr", "add", MAPPED_ADDRESS + "/32", "dev", "wan0"));
        lab.run("b-r", Duration.ofSeconds(10), List.of("ip", "route", "add", MAPPED_ADDRESS + "/32", "via", wan, "dev", "wan0"));
        Path tables = work.resolve("miniupnpd.nft");
        Files.writeString(tables, """
                table inet miniupnpd {
                    chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }
                    chain miniupnpd { }
                    chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
                    chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
                    chain prerouting_miniupnpd { }
                    chain postrouting_miniupnpd { }
                }
                """);
        lab.run("a-r", Duration.ofSeconds(10), List.of("nft", "-f", tables.toString()));
        Path config = work.resolve("miniupnpd.conf");
        Files.writeString(config, String.join("\n",
                "ext_ifname=wan0",
                "ext_ip=" + MAPPED_ADDRESS,
                "listening_ip=lan0",
                "enable_natpmp=yes",
                "enable_upnp=yes",
                "secure_mode=yes",
                "system_uptime=yes",
                "upnp_table_name=miniupnpd",
                "upnp_nat_table_name=miniupnpd",
                "lease_file=" + work.resolve("miniupnpd.leases"),
                "uuid=6c9f2f0e-6b9a-4f61-9d1c-3a6c2b7f0a13",
                "allow 1024-65535 10.0.0.0/8 1024-65535",
                "deny 0-65535 0.0.0.0/0 0-65535", ""));
        ProcessBuilder daemon = lab.processBuilder("a-r", List.of(MINIUPNPD.toString(), "-d", "-f", config.toString(),
                "-P", work.resolve("miniupnpd.pid").toString())).redirectErrorStream(true)
                .redirectOutput(work.resolve("miniupnpd.log").toFile());
        lab.start(daemon);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(work.resolve("miniupnpd.log")).contains("Listening for NAT-PMP/PCP")) {
            assertThat(System.nanoTime()).as("miniupnpd started (%s)", work.resolve("miniupnpd.log")).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String rules(NatLab lab) throws IOException {
        return lab.run("a-r", Duration.ofSeconds(10), List.of("nft", "list", "chain", "inet", "miniupnpd", "prerouting_miniupnpd"));
    }
}
