package io.punchline.natlab;

import com.fasterxml.jackson.databind.JsonNode;
import io.punchline.natlab.NatLab.NatType;
import io.punchline.natlab.NatLab.Site;
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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.punchline.natlab.LabPeers.event;
import static io.punchline.natlab.LabPeers.switchedTo;
import static io.punchline.natlab.NatMatrixTest.BYTES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IPv6 cells of the NAT matrix (issue 13): sites with global IPv6 addresses behind a stateful firewall that lets in
 * only return traffic (docs/NATLAB.md, "IPv6"), dual-stack or IPv6-only, and a relay on {@code [::]:4433} whose contact
 * is its IPv6 address. Each cell runs {@link #RUNS} times in a fresh lab, with no retry. Writes
 * {@code target/NAT-MATRIX-IPV6.md}, and its table as the section {@value #IPV6_SECTION} of the
 * {@code -Dnatlab.matrix.output} file ({@link MatrixFile}: each matrix test keeps the others' parts).
 */
@Tag("lab")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class Ipv6MatrixTest {

    static final String PREFIX = NatLab.prefix("plv6");
    static final String IPV6_SECTION = "## IPv6 (issue 13)";
    /** Runs per cell, each in a fresh lab: {@code -Dnatlab.v6.runs}, default 3. */
    static final int RUNS = Integer.getInteger("natlab.v6.runs", 3);

    @BeforeAll
    static void needsTheLab() throws IOException {
        NatLab.requireClean(PREFIX);
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/sys/net/ipv6")), "this kernel has no IPv6");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        NatLab.cleanUpAfter(PREFIX);
    }

    /** A cell: site "a" dials, site "b" listens. */
    record V6Cell(String name, Site dialler, Site listener) {
    }

    /** Issue 13's IPv6 cells: direct over IPv6 is the goal in each, with IPv4 NATs of any kind beside it. */
    static final List<V6Cell> CELLS = List.of(
            new V6Cell("dual-dual", Site.of(NatType.EIM_APDF).withIpv6(), Site.of(NatType.EIM_APDF).withIpv6()),
            new V6Cell("v6only-dual", Site.of(NatType.V6ONLY), Site.of(NatType.EIM_APDF).withIpv6()),
            new V6Cell("dual-v6only", Site.of(NatType.EIM_APDF).withIpv6(), Site.of(NatType.V6ONLY)),
            new V6Cell("apdm-apdm", Site.of(NatType.APDM).withIpv6(), Site.of(NatType.APDM).withIpv6()));

    /**
     * One run: connected, direct and over which family (of the dialler's first switch to the direct path), the time from
     * session.opened to it, the dialler's bytes through the relay and direct, and the IPv6 candidates the dialler knew
     * (its own, the listener's; not the relay addresses, which are never punched).
     */
    record V6Run(boolean connected, boolean direct, String family, long msToDirect, long relayedBytes, long directBytes,
                 int localIpv6, int remoteIpv6, String bindFamilies, boolean ipv4Reflexive, boolean scopeZero, String note) {
        boolean directOverIpv6() {
            return direct && "IPv6".equals(family);
        }
    }

    /**
     * Each cell {@link #RUNS} times in a fresh lab ({@code -Dnatlab.v6.cells=dual-dual,...} picks cells by name):
     * every run connects and goes direct over IPv6.
     */
    @Test
    void ipv6SitesGoDirectOverIpv6() throws Exception {
        String only = System.getProperty("natlab.v6.cells", "");
        List<V6Cell> cells = CELLS.stream().filter(c -> only.isBlank() || List.of(only.split(",")).contains(c.name())).toList();
        assertThat(cells).as("cells named in -Dnatlab.v6.cells=%s", only).isNotEmpty();
        Path logs = Path.of("target", "natlab-matrix-ipv6");
        Map<V6Cell, List<V6Run>> results = new LinkedHashMap<>();
        for (V6Cell cell : cells) {
            List<V6Run> runs = new ArrayList<>();
            for (int n = 1; n <= RUNS; n++) {
                Path runLogs = logs.resolve(cell.name() + "-" + n);
                NatLab.deleteTree(runLogs); // an earlier run's logs, so that none is mistaken for this run's
                V6Run run;
                try {
                    run = runOnce(cell, runLogs);
                } catch (IOException e) { // the lab or the relay did not come up: a failed run, and the table still written
                    run = new V6Run(false, false, "-", -1, -1, -1, 0, 0, "-", false, false, e.getMessage());
                }
                if (!run.note().isEmpty()) {
                    run = new V6Run(run.connected(), run.direct(), run.family(), run.msToDirect(), run.relayedBytes(),
                            run.directBytes(), run.localIpv6(), run.remoteIpv6(), run.bindFamilies(), run.ipv4Reflexive(), run.scopeZero(),
                            "run " + n + ": " + run.note() + ".");
                }
                System.out.println("natlab ipv6 " + cell.name() + " run " + n + ": " + run);
                runs.add(run);
            }
            results.put(cell, runs);
        }
        MatrixFile.publish("NAT-MATRIX-IPV6.md", IPV6_SECTION, table(results));

        results.forEach((cell, runs) -> assertThat(runs).allSatisfy(r -> {
            assertThat(r.connected()).as("%s connected (%s)", cell.name(), r.note()).isTrue();
            assertThat(r.directOverIpv6()).as("%s direct over IPv6 (path %s, %s)", cell.name(), r.family(), r.note()).isTrue();
            assertThat(r.bindFamilies()).as("%s: the relay's bind announced the dialler both families", cell.name())
                    .isEqualTo("IPv6+IPv4");
            assertThat(r.scopeZero()).as("%s: an event address with a scope ID of 0 (%%0)", cell.name()).isFalse();
            assertThat(r.ipv4Reflexive()).as("%s: the dialler learned an IPv4 reflexive address (echo to the bind's IPv4 address)",
                    cell.name()).isEqualTo(cell.dialler().type() != NatType.V6ONLY);
        }));
    }

    private static V6Run runOnce(V6Cell cell, Path logs) throws Exception {
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("a", cell.dialler());
        sites.put("b", cell.listener());
        try (NatLab lab = NatLab.upSites(PREFIX, sites); LabPeers peers = new LabPeers(lab, logs, true)) {
            if (!peers.relayContact.startsWith("[")) {
                return new V6Run(false, false, "-", -1, -1, -1, 0, 0, "-", false, false, "the relay's contact is not IPv6: " + peers.relayContact);
            }
            Process listen = peers.start("b", "listen", List.of("listen", "--relay", peers.relayContact, "--json", "--once"));
            LabPeers.Events listenEvents = peers.events(listen, "listen");
            JsonNode contact = listenEvents.await(event("listen.contact"), Duration.ofSeconds(60));
            if (contact == null) {
                return new V6Run(false, false, "-", -1, -1, -1, 0, 0, "-", false, false, "listener printed no contact within 60 s");
            }
            Process dial = peers.start("a", "dial", List.of("dial", contact.path("contact").asText(), "--json",
                    "--bytes", Long.toString(BYTES), "--linger", "1"));
            LabPeers.Events events = peers.events(dial, "dial");
            boolean exited = dial.waitFor(180, TimeUnit.SECONDS);
            JsonNode done = events.await(event("dial.done"), Duration.ofSeconds(2));
            JsonNode opened = events.first("session.opened");
            JsonNode direct = events.first(switchedTo("direct"));
            boolean connected = exited && dial.exitValue() == 0 && done != null;
            long ms = direct != null && opened != null ? direct.path("t").asLong() - opened.path("t").asLong() : -1;
            String note = exited ? (dial.exitValue() == 0 ? "" : "dial exit " + dial.exitValue()) : "dial timed out";
            int localIpv6 = 0;
            int remoteIpv6 = 0;
            Set<String> bindFamilies = new TreeSet<>(Comparator.reverseOrder()); // "IPv6", then "IPv4"
            boolean ipv4Reflexive = false;
            listen.waitFor(30, TimeUnit.SECONDS); // --once: it exits after the session, its events all read then
            boolean scopeZero = listenEvents.all.stream().anyMatch(n -> n.toString().contains("%0"));
            for (JsonNode node : events.all) {
                scopeZero |= node.toString().contains("%0");
                if ("candidate.added".equals(node.path("event").asText()) && "relay".equals(node.path("type").asText())
                        && node.path("local").asBoolean()) {
                    bindFamilies.add(family(node.path("address").asText()));
                }
                ipv4Reflexive |= "candidate.added".equals(node.path("event").asText()) && node.path("local").asBoolean()
                        && "srflx".equals(node.path("type").asText()) && "IPv4".equals(family(node.path("address").asText()));
                if ("candidate.added".equals(node.path("event").asText()) && !"relay".equals(node.path("type").asText())
                        && "IPv6".equals(family(node.path("address").asText()))) {
                    if (node.path("local").asBoolean()) {
                        localIpv6++;
                    } else {
                        remoteIpv6++;
                    }
                }
            }
            return new V6Run(connected, direct != null, direct != null ? family(direct.path("address").asText()) : "-", ms,
                    done != null ? done.path("relayedBytes").asLong() : -1, done != null ? done.path("directBytes").asLong() : -1,
                    localIpv6, remoteIpv6, String.join("+", bindFamilies), ipv4Reflexive, scopeZero, note);
        }
    }

    /**
     * "IPv6" or "IPv4" for an address as the events print it ({@code InetSocketAddress.toString()}: {@code /198.18.2.1:4000},
     * {@code /[2001:db8:2:0:0:0:0:2]:4000}; an IPv4-mapped IPv6 address is IPv4), "-" for none.
     */
    static String family(String address) {
        String a = address.substring(address.indexOf('/') + 1);
        int colon = a.lastIndexOf(':');
        String host = (colon > 0 ? a.substring(0, colon) : a).replace("[", "").replace("]", "");
        if (host.isEmpty()) {
            return "-";
        }
        return host.contains(":") && !host.toLowerCase(Locale.ROOT).matches("(0+:)*:?ffff:[0-9.]+") ? "IPv6" : "IPv4";
    }

    static String siteName(Site site) {
        return site.type() == NatType.V6ONLY ? "IPv6 only" : site.type().scriptName() + (site.ipv6() ? " + IPv6" : "");
    }

    static String table(Map<V6Cell, List<V6Run>> results) {
        StringBuilder out = new StringBuilder();
        out.append(IPV6_SECTION).append("\n\n")
                .append("Generated by `Ipv6MatrixTest`: sites with global IPv6 addresses (2001:db8:i::/64, no NAT66) behind a stateful\n")
                .append("firewall on their router that lets in only return traffic (docs/NATLAB.md, \"IPv6\"), beside their IPv4 NAT\n")
                .append("(`+ IPv6`) or without any IPv4 (`IPv6 only`); the relay listens on `[::]:4433` and its contact is its IPv6\n")
                .append("address, `[2001:db8::10]:4433#...`. Each cell run ").append(RUNS)
                .append(" times in a fresh lab, the dialler (site a) sending ").append(BYTES / 1_000_000)
                .append(" MB as above.\nRegenerate this section alone (as root):\n\n")
                .append("```sh\nmvn -B -Pfull test -Dtest='Ipv6MatrixTest' -Dnatlab.matrix.output=docs/NAT-MATRIX.md\n```\n\n")
                .append("Expected and asserted for every run: connected, and direct over IPv6 (the dialler's first switch to the direct\n")
                .append("path is to an IPv6 address). `connected`, `direct over IPv6`: runs out of ").append(RUNS)
                .append("; the other columns: each run, in order.\n")
                .append("`path`: the family of the direct path. `time to direct`: from the dialler's session.opened to its switch to the\n")
                .append("direct path. `via relay`, `direct`: the dialler's peer traffic through the relay, on the direct path.\n")
                .append("`IPv6 candidates`: the dialler's own / the listener's (relay addresses left out), as the dialler's candidate.added\n")
                .append("events list them. `bind`: the families of the addresses the relay's bind announced to the dialler (its\n")
                .append("local relay candidates; the relay's one dual-stack socket announces an IPv6 and an IPv4 address, asserted), and\n")
                .append("a dialler with IPv4 learns its IPv4 reflexive address through the bind's IPv4 address (a local srflx, asserted). No\n")
                .append("event of either side names an address with a scope ID of 0 (`%0`), asserted. apdm x apdm: symmetric NATs on IPv4, which stays\n")
                .append("relayed there (the main matrix), while IPv6 through the two firewalls goes direct.\n\n")
                .append("| dialler | listener | connected | direct over IPv6 | path | time to direct | via relay | direct | IPv6 candidates | bind |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((cell, runs) -> out.append(String.format(Locale.ROOT, "| %s | %s | %d/%d | %d/%d | %s | %s | %s | %s | %s | %s |%s%n",
                siteName(cell.dialler()), siteName(cell.listener()),
                runs.stream().filter(V6Run::connected).count(), runs.size(),
                runs.stream().filter(V6Run::directOverIpv6).count(), runs.size(),
                each(runs, V6Run::family),
                each(runs, r -> r.msToDirect() >= 0 ? r.msToDirect() + " ms" : "-"),
                each(runs, r -> megabytes(r.relayedBytes())),
                each(runs, r -> megabytes(r.directBytes())),
                each(runs, r -> r.localIpv6() + "/" + r.remoteIpv6()),
                each(runs, V6Run::bindFamilies),
                runs.stream().map(V6Run::note).filter(n -> !n.isEmpty()).map(n -> " " + n).reduce("", String::concat))));
        return out.toString();
    }

    private static String megabytes(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String each(List<V6Run> runs, Function<V6Run, String> column) {
        return String.join(" / ", runs.stream().map(column).toList());
    }
}
