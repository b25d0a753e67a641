package io.punchline.natlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.punchline.natlab.NatLab.NatType;
import io.punchline.natlab.NatLab.Site;
import org.junit.jupiter.api.AfterAll;
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
import static io.punchline.natlab.NatMatrixTest.BYTES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hard-NAT cells of the NAT matrix (issue 13): a symmetric NAT (or a symmetric carrier NAT) against a
 * port-restricted one, both ways, and symmetric x symmetric; each cell run {@link #RUNS} times in a fresh lab, with the
 * dialler site's packets to the listener's public address counted on its outermost router. Writes
 * {@code target/NAT-MATRIX-HARD.md}, and its table as the section {@value #HARD_SECTION} of the
 * {@code -Dnatlab.matrix.output} file ({@link MatrixFile}: each of the matrix tests replaces only its own part of that
 * file and keeps the others', so the file has all of them whichever runs first).
 */
@Tag("lab")
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class HardNatMatrixTest {

    static final String PREFIX = NatLab.prefix("plhx");

    @BeforeAll
    static void needsTheLab() throws IOException {
        NatLab.requireClean(PREFIX);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        NatLab.cleanUpAfter(PREFIX);
    }

    static final String HARD_SECTION = "## Hard NATs (issue 13)";

    /** A hard-NAT cell: site "a" (the dialler) behind {@code dialler}, site "b" behind {@code listener}. */
    record HardCell(NatType dialler, NatType listener, boolean expectDirect) {
        String name() {
            return dialler.scriptName() + "-" + listener.scriptName();
        }
    }

    /**
     * Issue 13's cells; direct wherever one side maps endpoint-independently, and where both allocate in sequence
     * (predicted ports on both sides). Symmetric x symmetric with a random allocator stays relayed.
     */
    static final List<HardCell> HARD_CELLS = List.of(
            new HardCell(NatType.EIM_APDF, NatType.APDM, true),
            new HardCell(NatType.APDM, NatType.EIM_APDF, true),
            new HardCell(NatType.CGNAT_SYM, NatType.EIM_APDF, true),
            new HardCell(NatType.EIM_APDF, NatType.CGNAT_SYM, true),
            new HardCell(NatType.CGNAT, NatType.APDM, true),
            new HardCell(NatType.APDM_SEQ, NatType.EIM_APDF, true),
            new HardCell(NatType.EIM_APDF, NatType.APDM_SEQ, true),
            new HardCell(NatType.APDM_SEQ, NatType.APDM_SEQ, true),
            new HardCell(NatType.APDM, NatType.APDM, false));
    /** Runs per hard cell, each in a fresh lab: {@code -Dnatlab.matrix.runs}, default 3. */
    static final int RUNS = Integer.getInteger("natlab.matrix.runs", 3);
    /**
     * The probing budget of a cell that stays relayed (symmetric x symmetric), in packets per second from the dialler
     * site to the listener's public address, averaged over the session. Before hard-NAT punching the engine sent
     * 3.6-5.3/s in every hard cell (29-60 packets, one flow, in its one punch round of about 3 s, over a relayed 20 MB
     * session of 8-16 s); two hard sides still open no ports and probe none (docs/ARCHITECTURE.md, "Hard NATs"), and
     * the budget leaves room for a bounded port spray (a few thousand packets), never a probe storm.
     */
    static final double RELAYED_PROBE_BUDGET_PER_SECOND = 200;

    /**
     * One run: connected, direct and when, the packets the dialler site sent to the listener's public address (all,
     * and without the direct path's flow: the probes), the UDP flows and distinct public source and destination ports
     * they used, and the session's duration (dialler's session.opened to session.closed).
     */
    record HardRun(boolean connected, boolean direct, long msToDirect, long peerPackets, long probePackets, int flows,
                   int sourcePorts, int destinationPorts, long sessionMillis, String note) {
        double probesPerSecond() {
            return sessionMillis > 0 ? probePackets * 1000.0 / sessionMillis : -1;
        }

        double peerPacketsPerSecond() {
            return sessionMillis > 0 ? peerPackets * 1000.0 / sessionMillis : -1;
        }
    }

    /**
     * Issue 13's hard-NAT cells, each {@link #RUNS} times in a fresh lab ({@code -Dnatlab.matrix.hardCells=apdm-apdm,...}
     * picks cells by {@link HardCell#name()}). Every run connects; every run of a cell with one easy side, or with two
     * sequential allocators, goes direct (hard-NAT punching); symmetric x symmetric stays relayed with its probing under
     * {@link #RELAYED_PROBE_BUDGET_PER_SECOND}.
     */
    @Test
    void hardNatCellsGoDirectOrStayRelayedWithinTheProbeBudget() throws Exception {
        String only = System.getProperty("natlab.matrix.hardCells", "");
        List<HardCell> cells = HARD_CELLS.stream()
                .filter(c -> only.isBlank() || List.of(only.split(",")).contains(c.name())).toList();
        assertThat(cells).as("hard cells named in -Dnatlab.matrix.hardCells=%s", only).isNotEmpty();
        Path logs = Path.of("target", "natlab-matrix-hard");
        Map<HardCell, List<HardRun>> results = new LinkedHashMap<>();
        for (HardCell cell : cells) {
            List<HardRun> runs = new ArrayList<>();
            for (int n = 1; n <= RUNS; n++) {
                Path runLogs = logs.resolve(cell.name() + "-" + n);
                NatLab.deleteTree(runLogs); // an earlier run's logs, so that none is mistaken for this run's
                HardRun run;
                try {
                    run = runHard(cell, runLogs);
                } catch (IOException e) { // the lab or the relay did not come up: a failed run, and the table still written
                    run = new HardRun(false, false, -1, -1, -1, 0, 0, 0, -1, e.getMessage());
                }
                if (!run.note().isEmpty()) {
                    run = new HardRun(run.connected(), run.direct(), run.msToDirect(), run.peerPackets(), run.probePackets(),
                            run.flows(), run.sourcePorts(), run.destinationPorts(), run.sessionMillis(), "run " + n + ": " + run.note() + ".");
                }
                System.out.println("natlab hard " + cell.name() + " run " + n + ": " + run);
                runs.add(run);
            }
            results.put(cell, runs);
        }
        MatrixFile.publish("NAT-MATRIX-HARD.md", HARD_SECTION, hardTable(results));

        results.forEach((cell, runs) -> {
            assertThat(runs).allSatisfy(r -> assertThat(r.connected()).as("%s connected (%s)", cell.name(), r.note()).isTrue());
            if (!cell.expectDirect()) {
                assertThat(runs).allSatisfy(r -> {
                    assertThat(r.direct()).as("%s stays relayed", cell.name()).isFalse();
                    assertThat(r.probesPerSecond()).as("%s probe packets per second, session average", cell.name())
                            .isBetween(0.0, RELAYED_PROBE_BUDGET_PER_SECOND);
                });
            } else {
                assertThat(runs).allSatisfy(r -> assertThat(r.direct()).as("%s direct (%s)", cell.name(), r.note()).isTrue());
            }
        });
    }

    private static HardRun runHard(HardCell cell, Path logs) throws Exception {
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("a", Site.of(cell.dialler()));
        sites.put("b", Site.of(cell.listener()));
        try (NatLab lab = NatLab.upSites(PREFIX, sites); LabPeers peers = new LabPeers(lab, logs)) {
            lab.countPacketsTo("a", lab.publicAddress("b"));
            Process listen = peers.start("b", "listen", List.of("listen", "--relay", peers.relayContact, "--json", "--once"));
            JsonNode contact = peers.events(listen, "listen").await(event("listen.contact"), Duration.ofSeconds(60));
            if (contact == null) {
                return new HardRun(false, false, -1, -1, -1, 0, 0, 0, -1, "listener printed no contact within 60 s");
            }
            Process dial = peers.start("a", "dial", List.of("dial", contact.path("contact").asText(), "--json",
                    "--bytes", Long.toString(BYTES), "--linger", "1"));
            LabPeers.Events events = peers.events(dial, "dial");
            boolean exited = dial.waitFor(180, TimeUnit.SECONDS);
            JsonNode done = events.await(event("dial.done"), Duration.ofSeconds(2));
            String counted = lab.countedPackets("a");
            Files.writeString(logs.resolve("counted.json"), counted);
            JsonNode opened = events.first("session.opened");
            JsonNode closed = events.first("session.closed");
            JsonNode end = closed != null ? closed : done;
            JsonNode direct = events.first(switchedTo("direct"));
            boolean connected = exited && dial.exitValue() == 0 && done != null;
            long ms = direct != null && opened != null ? direct.path("t").asLong() - opened.path("t").asLong() : -1;
            long session = opened != null && end != null ? end.path("t").asLong() - opened.path("t").asLong() : -1;
            String note = exited ? (dial.exitValue() == 0 ? "" : "dial exit " + dial.exitValue()) : "dial timed out";

            // the counters: all packets to the peer's address, and one element per UDP flow (sport . daddr . dport)
            long peerPackets = 0;
            List<long[]> flows = new ArrayList<>(); // {sport, dport, packets}
            List<String> flowAddresses = new ArrayList<>();
            for (JsonNode node : new ObjectMapper().readTree(counted).path("nftables")) {
                if ("peer".equals(node.path("counter").path("name").asText())) {
                    peerPackets = node.path("counter").path("packets").asLong();
                }
                for (JsonNode elem : node.path("set").path("elem")) {
                    JsonNode key = elem.path("elem").path("val").path("concat");
                    flows.add(new long[]{key.get(0).asLong(), key.get(2).asLong(), elem.path("elem").path("counter").path("packets").asLong()});
                    flowAddresses.add(key.get(1).asText() + ":" + key.get(2).asLong());
                }
            }
            // the direct path's flow is the busiest one to the address the dialler switched to: not a probe
            long directFlow = 0;
            if (direct != null) {
                String to = direct.path("address").asText().replaceFirst("^[^/]*/", "");
                for (int i = 0; i < flows.size(); i++) {
                    if (flowAddresses.get(i).equals(to)) {
                        directFlow = Math.max(directFlow, flows.get(i)[2]);
                    }
                }
            }
            int sourcePorts = (int) flows.stream().mapToLong(f -> f[0]).distinct().count();
            int destinationPorts = (int) flows.stream().mapToLong(f -> f[1]).distinct().count();
            return new HardRun(connected, direct != null, ms, peerPackets, peerPackets - directFlow, flows.size(),
                    sourcePorts, destinationPorts, session, note);
        }
    }

    static String hardTable(Map<HardCell, List<HardRun>> results) {
        StringBuilder out = new StringBuilder();
        out.append(HARD_SECTION).append("\n\n")
                .append("Generated by `HardNatMatrixTest`: issue 13's hard-NAT cells, each run\n")
                .append(RUNS).append(" times in a fresh lab, the dialler (site a) sending ").append(BYTES / 1_000_000)
                .append(" MB as above. Regenerate this section alone (as root):\n\n")
                .append("```sh\nmvn -B -Pfull test -Dtest='HardNatMatrixTest' -Dnatlab.matrix.output=docs/NAT-MATRIX.md\n```\n\n")
                .append("`cgnat-sym`: an eim-apdf home NAT behind a symmetric (apdm) carrier NAT; `apdm-seq`: a symmetric NAT allocating\n")
                .append("ports in sequence (one counter for every new flow). `expected`: what the engine does by design, asserted\n")
                .append("for every run. The side behind the symmetric NAT opens 256 side ports, the other probes its public address at\n")
                .append("random ports (docs/ARCHITECTURE.md, \"Hard NATs\"); two sequential allocators (apdm-seq x apdm-seq) each open\n")
                .append("64 side ports toward the other's predicted next ports, pair i toward pair i; symmetric x symmetric otherwise\n")
                .append("opens and probes nothing.\n")
                .append("`connected`, `direct`: runs out of ").append(RUNS).append("; `time to direct` and the other columns: each run, in order.\n")
                .append("Counted by an nftables counter on the dialler site's outermost router (its WAN, after every NAT layer): the packets\n")
                .append("it sent to the listener's public address (never the relay's). `probes`: those packets without the direct path's\n")
                .append("flow (the busiest UDP flow to the address the dialler switched to), and their rate over the session (the\n")
                .append("dialler's session.opened to session.closed); `all to peer`: every packet to that address, direct data included.\n")
                .append("`flows`: UDP flows (public source port, destination port) / distinct source ports / distinct destination ports.\n")
                .append("Budget for a cell that stays relayed: ").append(String.format(Locale.ROOT, "%.0f", RELAYED_PROBE_BUDGET_PER_SECOND))
                .append(" probe packets/s over the session.\n\n")
                .append("| dialler NAT | listener NAT | expected | connected | direct | time to direct | probes/s | probes | all to peer, /s | session | flows |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((cell, runs) -> out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d/%d | %d/%d | %s | %s | %s | %s | %s | %s |%s%n",
                cell.dialler().scriptName(), cell.listener().scriptName(), cell.expectDirect() ? "direct" : "relayed",
                runs.stream().filter(HardRun::connected).count(), runs.size(),
                runs.stream().filter(HardRun::direct).count(), runs.size(),
                each(runs, r -> r.msToDirect() >= 0 ? r.msToDirect() + " ms" : "-"),
                each(runs, r -> r.probesPerSecond() >= 0 ? String.format(Locale.ROOT, "%.1f", r.probesPerSecond()) : "-"),
                each(runs, r -> Long.toString(r.probePackets())),
                each(runs, r -> r.peerPacketsPerSecond() >= 0 ? String.format(Locale.ROOT, "%.1f", r.peerPacketsPerSecond()) : "-"),
                each(runs, r -> r.sessionMillis() >= 0 ? String.format(Locale.ROOT, "%.1f s", r.sessionMillis() / 1000.0) : "-"),
                each(runs, r -> r.flows() + "/" + r.sourcePorts() + "/" + r.destinationPorts()),
                runs.stream().map(HardRun::note).filter(n -> !n.isEmpty()).map(n -> " " + n).reduce("", String::concat))));
        return out.toString();
    }

    private static String each(List<HardRun> runs, Function<HardRun, String> column) {
        return String.join(" / ", runs.stream().map(column).toList());
    }
}
