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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.punchline.natlab.LabPeers.event;
import static io.punchline.natlab.LabPeers.switchedTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Port mapping against a real gateway (issue 13): Debian's miniupnpd (nftables build) on the router of a symmetric NAT
 * site, configured like a home router's default (UPnP-IGD and NAT-PMP/PCP on the LAN side, secure mode: a LAN host maps
 * only to itself). The listener behind it gets a mapping, offers it as a candidate, and a dialler behind another
 * symmetric NAT (a pair the matrix leaves on the relay) goes direct through it; when the listener exits, its mapping
 * is gone from the router's ruleset. Run {@link #RUNS} times, each in a fresh lab; the runs are a section of the matrix
 * file ({@value #PORT_MAPPING_SECTION}).
 *
 * <p>miniupnpd refuses to map on a router whose WAN address is reserved, and the lab's internet is 198.18.0.0/15
 * (benchmarking, reserved). So the router also holds {@link #MAPPED_ADDRESS} on its WAN side, given to miniupnpd as
 * its external address, and the other site's router routes that one address to it: both exist only in the lab's
 * namespaces, which have no way out.
 */
@Tag("lab")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
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

    static final String PORT_MAPPING_SECTION = "## Port mapping (issue 13)";
    /** Runs, each in a fresh lab: {@code -Dnatlab.portmapping.runs}, default 3. */
    static final int RUNS = Integer.getInteger("natlab.portmapping.runs", 3);
    /** Bytes the dialler sends in each run. */
    static final long BYTES = 2_000_000;

    /**
     * One run: what the listener's gateway granted ({@code protocol}, {@code advertised}), whether the dialler got the
     * mapped address as a candidate, connected and went direct, and to which address, the time from its session.opened
     * to that switch, and whether the mapping was gone from miniupnpd's chain after the listener exited.
     */
    record MappingRun(String protocol, boolean advertised, boolean offered, boolean connected, boolean direct,
                      boolean throughMapping, long msToDirect, boolean deleted, String note) {
        boolean passed() {
            return "pcp".equals(protocol) && advertised && offered && connected && throughMapping && deleted;
        }
    }

    /**
     * Symmetric x symmetric with miniupnpd on the listener's router, {@link #RUNS} times in a fresh lab, no retry: every
     * run maps with PCP, offers the mapping, goes direct through it and deletes it on exit. Writes
     * {@code target/NAT-MATRIX-PORTMAPPING.md} and, with {@code -Dnatlab.matrix.output=FILE}, the section
     * {@value #PORT_MAPPING_SECTION} of FILE ({@link MatrixFile}).
     */
    @Test
    void aPeerBehindMiniupnpdIsReachedDirectlyThroughItsMappingFromBehindASymmetricNat() throws Exception {
        Path work = Path.of("target", "natlab-portmapping").toAbsolutePath();
        List<MappingRun> runs = new ArrayList<>();
        for (int n = 1; n <= RUNS; n++) {
            Path runWork = work.resolve("run-" + n);
            NatLab.deleteTree(runWork); // an earlier run's logs, so that none is mistaken for this run's
            Files.createDirectories(runWork);
            MappingRun run;
            try {
                run = runOnce(runWork);
            } catch (IOException e) { // the lab, relay or miniupnpd did not come up: a failed run, and the table still written
                run = new MappingRun("-", false, false, false, false, false, -1, false, e.getMessage());
            }
            System.out.println("natlab port mapping run " + n + ": " + run);
            runs.add(run);
        }
        MatrixFile.publish("NAT-MATRIX-PORTMAPPING.md", PORT_MAPPING_SECTION, table(runs));
        for (int n = 0; n < runs.size(); n++) {
            MappingRun run = runs.get(n);
            assertThat(run.passed()).as("run %d: %s (logs under %s)", n + 1, run, work).isTrue();
        }
    }

    private static MappingRun runOnce(Path work) throws Exception {
        Map<String, NatType> sites = new LinkedHashMap<>();
        sites.put("a", NatType.APDM);
        sites.put("b", NatType.APDM);
        try (NatLab lab = NatLab.up(PREFIX, sites); LabPeers peers = new LabPeers(lab, work)) {
            startMiniupnpd(lab, work);

            Process listen = peers.start("a", "listen", List.of("listen", "--relay", peers.relayContact, "--json", "--once"));
            LabPeers.Events listenEvents = peers.events(listen, "listen");
            JsonNode mapped = listenEvents.await(event("port-mapping"), Duration.ofSeconds(60));
            if (mapped == null) {
                return new MappingRun("-", false, false, false, false, false, -1, false, "no port-mapping event within 60 s");
            }
            String external = mapped.path("external").asText();
            String protocol = mapped.path("protocol").asText();
            boolean advertised = mapped.path("advertised").asBoolean() && external.startsWith("/" + MAPPED_ADDRESS + ":");
            boolean ruleThere = rules(lab).contains("dnat");

            JsonNode contact = listenEvents.await(event("listen.contact"), Duration.ofSeconds(60));
            if (contact == null) {
                return new MappingRun(protocol, advertised, false, false, false, false, -1, false, "no contact within 60 s");
            }
            Process dial = peers.start("b", "dial", List.of("dial", contact.path("contact").asText(), "--json",
                    "--bytes", Long.toString(BYTES), "--linger", "1"));
            LabPeers.Events dialEvents = peers.events(dial, "dial");
            boolean exited = dial.waitFor(120, TimeUnit.SECONDS);
            boolean connected = exited && dial.exitValue() == 0;
            boolean offered = dialEvents.first(node -> "candidate.added".equals(node.path("event").asText())
                    && !node.path("local").asBoolean() && node.path("address").asText().equals(external)) != null;
            JsonNode opened = dialEvents.first(event("session.opened"));
            JsonNode direct = dialEvents.first(switchedTo("direct"));
            long ms = direct != null && opened != null ? direct.path("t").asLong() - opened.path("t").asLong() : -1;
            boolean through = direct != null && direct.path("address").asText().equals(external);

            boolean listenerExited = listen.waitFor(30, TimeUnit.SECONDS);
            boolean deleted = ruleThere && listenerExited && !rules(lab).contains("dnat");
            String note = !exited ? "dial timed out" : !connected ? "dial exit " + dial.exitValue()
                    : !ruleThere ? "no DNAT rule in miniupnpd's chain while mapped" : !listenerExited ? "listen --once did not exit" : "";
            return new MappingRun(protocol, advertised, offered, connected, direct != null, through, ms, deleted, note);
        }
    }

    static String table(List<MappingRun> runs) {
        StringBuilder out = new StringBuilder();
        out.append(PORT_MAPPING_SECTION).append("\n\n")
                .append("Generated by `PortMappingLabTest`: symmetric x symmetric (apdm x apdm, the cell that stays relayed above) with\n")
                .append("Debian's miniupnpd (nftables build) on the listener's router, configured like a home router's default\n")
                .append("(docs/NATLAB.md, \"A router that maps ports\"); ").append(RUNS)
                .append(" runs, each in a fresh lab, the dialler (site b) sending ").append(BYTES / 1_000_000)
                .append(" MB. Regenerate this section alone (as root, miniupnpd-nftables installed):\n\n")
                .append("```sh\nmvn -B -Pfull test -Dtest='PortMappingLabTest' -Dnatlab.matrix.output=docs/NAT-MATRIX.md\n```\n\n")
                .append("Asserted for every run: the listener's engine gets a PCP mapping of its port on miniupnpd's external address and\n")
                .append("offers it (`mapped` candidate, which the dialler lists), the dialler connects and its first switch to the direct\n")
                .append("path is to the mapped address, and the mapping is gone from miniupnpd's chain once the listener exits.\n")
                .append("`time to direct`: from the dialler's session.opened to that switch. `connected`, `direct`: runs out of ")
                .append(RUNS).append("; the other columns: each run, in order.\n\n")
                .append("| dialler NAT | listener NAT | gateway | connected | direct through the mapping | time to direct | protocol | offered | deleted on exit |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n")
                .append(String.format(Locale.ROOT, "| apdm | apdm | miniupnpd | %d/%d | %d/%d | %s | %s | %s | %s |%s%n",
                        runs.stream().filter(MappingRun::connected).count(), runs.size(),
                        runs.stream().filter(MappingRun::throughMapping).count(), runs.size(),
                        each(runs, r -> r.msToDirect() >= 0 ? r.msToDirect() + " ms" : "-"),
                        each(runs, MappingRun::protocol),
                        each(runs, r -> r.offered() ? "yes" : "no"),
                        each(runs, r -> r.deleted() ? "yes" : "no"),
                        notes(runs)));
        return out.toString();
    }

    private static String each(List<MappingRun> runs, Function<MappingRun, String> column) {
        return String.join(" / ", runs.stream().map(column).toList());
    }

    private static String notes(List<MappingRun> runs) {
        StringBuilder notes = new StringBuilder();
        for (int n = 0; n < runs.size(); n++) {
            if (!runs.get(n).note().isEmpty()) {
                notes.append(" run ").append(n + 1).append(": ").append(runs.get(n).note()).append('.');
            }
        }
        return notes.toString();
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
