package io.punchline.natlab;

import com.fasterxml.jackson.databind.JsonNode;
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

import static io.punchline.natlab.LabPeers.event;
import static io.punchline.natlab.LabPeers.switchedTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NAT matrix (issue 4): for every pair of NAT types, a real relay and two real {@code punchline} processes behind
 * real nftables NATs; the dialler sends 20 MB and the test records whether the session connected, whether and when
 * it went direct, and how many bytes went through the relay. Writes {@code target/NAT-MATRIX.md}, and the file named
 * by {@code -Dnatlab.matrix.output} (docs/NAT-MATRIX.md) when given.
 *
 * <p>The hard-NAT cells of issue 13, each run three times with the probes counted, are {@link HardNatMatrixTest}, the
 * IPv6 cells {@link Ipv6MatrixTest}; each writes its section of the same file, and each test keeps the others' parts
 * ({@link MatrixFile}).
 */
@Tag("lab")
@Timeout(value = 50, unit = TimeUnit.MINUTES)
class NatMatrixTest {

    /**
     * All NAT types but cgnat-sym and apdm-seq (measured in the hard-NAT cells below) and v6only (Ipv6MatrixTest), or
     * those named in {@code -Dnatlab.matrix.types=eim-apdf,apdm} (script names).
     */
    static final List<NatType> TYPES = java.util.Arrays.stream(NatType.values())
            .filter(t -> t != NatType.CGNAT_SYM && t != NatType.APDM_SEQ && t != NatType.V6ONLY)
            .filter(t -> System.getProperty("natlab.matrix.types", "").isBlank()
                    || List.of(System.getProperty("natlab.matrix.types").split(",")).contains(t.scriptName()))
            .toList();
    static final boolean SHARED = TYPES.contains(NatType.EIM_APDF);
    static final long BYTES = Long.getLong("natlab.matrix.bytes", 20_000_000L);
    static final String PREFIX = "plmx";

    record Cell(String dialler, String listener, boolean connected, boolean direct, long msToDirect,
                long relayedBytes, long directBytes, double megabytesPerSecond, boolean expectDirect, String note) {
    }

    @BeforeAll
    static void needsTheLab() throws IOException {
        NatLab.requireClean(PREFIX);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        NatLab.cleanUpAfter(PREFIX);
    }

    /**
     * Direct wherever one side maps endpoint-independently: a symmetric NAT against a filtering one goes direct by
     * hard-NAT punching (docs/ARCHITECTURE.md, "Hard NATs"); symmetric x symmetric stays relayed.
     */
    static boolean expectDirect(NatType a, NatType b) {
        return !(a == NatType.APDM && b == NatType.APDM);
    }

    @Test
    void everyPairOfNatTypesConnectsAndGoesDirectWhereTheNatsAllowIt() throws Exception {
        List<Cell> cells = new ArrayList<>();
        Path logs = Path.of("target", "natlab-matrix");
        for (int i = 0; i < TYPES.size(); i++) {
            for (int j = i; j < TYPES.size(); j++) {
                NatType a = TYPES.get(i);
                NatType b = TYPES.get(j);
                Map<String, Site> sites = new LinkedHashMap<>();
                sites.put("a", Site.of(a));
                sites.put("b", Site.of(b));
                cells.add(run(sites, "a", "b", a.scriptName(), b.scriptName(), expectDirect(a, b),
                        logs.resolve(a.scriptName() + "-" + b.scriptName())));
            }
        }
        if (SHARED) {
            Map<String, Site> sites = new LinkedHashMap<>();
            sites.put("a", Site.of(NatType.EIM_APDF).withShaping(20, 1.0));
            sites.put("b", Site.of(NatType.EIM_APDF));
            cells.add(run(sites, "a", "b", "eim-apdf, 20 ms + 1% loss each way", "eim-apdf", true,
                    logs.resolve("eim-apdf-shaped-eim-apdf")));
        }
        for (boolean hairpin : SHARED ? List.of(false, true) : List.<Boolean>of()) {
            Map<String, Site> sites = new LinkedHashMap<>();
            Site shared = Site.of(NatType.EIM_APDF).withHosts(2);
            sites.put("s", hairpin ? shared.withHairpin() : shared);
            String name = "shared NAT" + (hairpin ? " (hairpin)" : " (no hairpin)");
            cells.add(run(sites, "s-h1", "s-h2", name, "same NAT", true, logs.resolve(hairpin ? "shared-hairpin" : "shared")));
        }
        String table = table(cells);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "NAT-MATRIX.md"), table);
        String output = System.getProperty("natlab.matrix.output");
        if (output != null && !output.isBlank()) {
            MatrixFile.write(Path.of(output), MatrixFile.MAIN, table);
        }
        System.out.println(table);

        assertThat(cells).allSatisfy(cell -> assertThat(cell.connected()).as("%s / %s connected", cell.dialler(), cell.listener()).isTrue());
        assertThat(cells.stream().filter(Cell::expectDirect))
                .allSatisfy(cell -> assertThat(cell.direct()).as("%s / %s direct", cell.dialler(), cell.listener()).isTrue());
        List<Long> coneTimes = cells.stream().filter(c -> c.direct() && !c.dialler().contains("apdm")
                        && !c.listener().contains("apdm") && !c.dialler().contains("loss"))
                .map(Cell::msToDirect).sorted().toList();
        assertThat(coneTimes).isNotEmpty();
        assertThat(coneTimes.get(coneTimes.size() / 2)).as("median time to direct for cone pairs, ms").isLessThan(1000);
    }

    /**
     * Runs a cell; a cell that did not connect is run once more in a fresh lab, and the table says so, so that one
     * unlucky run is visible without hiding a cell that cannot connect.
     */
    private Cell run(Map<String, Site> sites, String diallerTarget, String listenerTarget, String diallerName,
                     String listenerName, boolean expectDirect, Path logs) throws Exception {
        Cell first = runOnce(sites, diallerTarget, listenerTarget, diallerName, listenerName, expectDirect, logs);
        if (first.connected()) {
            return first;
        }
        Cell second = runOnce(sites, diallerTarget, listenerTarget, diallerName, listenerName, expectDirect,
                logs.resolveSibling(logs.getFileName() + "-retry"));
        String note = "first run failed (" + first.note() + "), second run " + (second.connected() ? "connected" : "failed too")
                + (second.note().isEmpty() ? "" : " (" + second.note() + ")");
        return new Cell(second.dialler(), second.listener(), second.connected(), second.direct(), second.msToDirect(),
                second.relayedBytes(), second.directBytes(), second.megabytesPerSecond(), second.expectDirect(), note);
    }

    private Cell runOnce(Map<String, Site> sites, String diallerTarget, String listenerTarget, String diallerName,
                         String listenerName, boolean expectDirect, Path logs) throws Exception {
        try (NatLab lab = NatLab.upSites(PREFIX, sites); LabPeers peers = new LabPeers(lab, logs)) {
            Process listen = peers.start(listenerTarget, "listen", List.of("listen", "--relay", peers.relayContact,
                    "--json", "--once"));
            LabPeers.Events listenEvents = peers.events(listen, "listen");
            JsonNode contact = listenEvents.await(event("listen.contact"), Duration.ofSeconds(60));
            if (contact == null) {
                return new Cell(diallerName, listenerName, false, false, -1, 0, 0, -1, expectDirect,
                        "listener did not start");
            }
            Process dial = peers.start(diallerTarget, "dial", List.of("dial", contact.path("contact").asText(), "--json",
                    "--bytes", Long.toString(BYTES), "--linger", "1"));
            LabPeers.Events events = peers.events(dial, "dial");
            boolean exited = dial.waitFor(180, TimeUnit.SECONDS);
            JsonNode done = events.await(event("dial.done"), Duration.ofSeconds(2));
            JsonNode opened = events.first("session.opened");
            JsonNode direct = events.first(switchedTo("direct"));
            JsonNode sent = events.first(event("transfer.finished"));
            double rate = sent != null && sent.path("millis").asLong() > 0
                    ? sent.path("bytes").asLong() / 1000.0 / sent.path("millis").asLong() : -1;
            boolean connected = exited && dial.exitValue() == 0 && done != null;
            long ms = direct != null && opened != null ? direct.path("t").asLong() - opened.path("t").asLong() : -1;
            String note = exited ? (dial.exitValue() == 0 ? "" : "dial exit " + dial.exitValue()) : "dial timed out";
            return new Cell(diallerName, listenerName, connected, direct != null, ms,
                    done != null ? done.path("relayedBytes").asLong() : -1, done != null ? done.path("directBytes").asLong() : -1,
                    rate, expectDirect, note);
        }
    }

    static String table(List<Cell> cells) {
        StringBuilder out = new StringBuilder();
        out.append("# NAT matrix\n\n")
                .append("Generated by `NatMatrixTest` (issue 4): for each pair of NAT types, a real relay on the lab's public host and two\n")
                .append("real `punchline` processes behind nftables NATs (docs/NATLAB.md); the dialler sends ")
                .append(BYTES / 1_000_000).append(" MB of test data,\n")
                .append("verified by SHA-256 on the other side. Regenerate (as root):\n\n")
                .append("```sh\nmvn -B -Pfull test -Dtest=NatMatrixTest -Dnatlab.matrix.output=docs/NAT-MATRIX.md\n```\n\n")
                .append("`time to direct`: from the session's post-quantum handshake to the dialler's switch to the direct path.\n")
                .append("`via relay`: bytes of peer traffic the dialler sent through the relay (handshake, control, and data before the switch).\n")
                .append("`throughput`: the test data's size over the dialler's time from its first byte to the listener's verified total.\n")
                .append("A cell that fails to connect is run once more in a fresh lab; its last column then says what happened.\n\n")
                .append("| dialler NAT | listener NAT | connected | path | expected | time to direct | via relay | direct | throughput |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Cell cell : cells) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%s%n",
                    cell.dialler(), cell.listener(), cell.connected() ? "yes" : "**no**",
                    cell.direct() ? "direct" : "relayed", cell.expectDirect() ? "direct" : "relayed",
                    cell.msToDirect() >= 0 ? cell.msToDirect() + " ms" : "-",
                    megabytes(cell.relayedBytes()), megabytes(cell.directBytes()),
                    cell.megabytesPerSecond() >= 0 ? String.format(Locale.ROOT, "%.1f MB/s", cell.megabytesPerSecond()) : "-",
                    cell.note().isEmpty() ? "" : " " + cell.note()));
        }
        return out.toString();
    }

    private static String megabytes(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
