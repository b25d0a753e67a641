package io.punchline.bench;

import io.punchline.bench.LabBenchTable.Goal;
import io.punchline.bench.LabBenchTable.Row;
import io.punchline.bench.LabProcess.Event;
import io.punchline.natlab.NatLab;
import io.punchline.natlab.NatLab.NatType;
import io.punchline.natlab.NatLab.Site;
import io.punchline.testing.TestFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static io.punchline.bench.LabBenchTable.median;
import static io.punchline.bench.LabBenchTable.seconds;
import static io.punchline.bench.LabProcess.named;

/**
 * The lab benchmark of issue 10, one command and one run: real {@code punchline} processes (a relay and two engines)
 * in the NAT lab (docs/NATLAB.md), between two hosts behind NATs on the simulated internet, clean and with delay and
 * loss, against the lab's raw UDP ceiling and a plain kwik stream between the same two hosts, measured in the same
 * run. Prints a markdown table (docs/BENCHMARKS.md, "Lab benchmark", says what each line measures). Needs root.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.punchline.bench.LabBenchmark}; system properties {@code bench.megabytes} (200),
 * {@code bench.userMegabytes} (100), {@code bench.repeats} (3 runs per transfer case, the median shown),
 * {@code bench.directTries} (5), {@code bench.userRounds} (5), {@code bench.javaOptions} (JVM options added to every
 * punchline process, for an A/B),
 * {@code bench.prefix} (the lab's namespace prefix, {@code plbench}), {@code bench.labs} (which labs, all of
 * {@code clean,symmetric,d20l1,d50l3,p20l1,p50l3} by default: {@code d} labs shape each site's link with the
 * delay and loss, so the path has them twice; {@code p} labs shape the path once, each direction), {@code bench.cases} (only the cases whose name contains one of these
 * comma-separated words, e.g. {@code direct (cone} for the clean direct transfer alone; all by default).
 */
public final class LabBenchmark {

    static final String LAUNCHER = "io.punchline.cli.Launcher";
    /** How punchline processes start ({@link LabLauncher}); set once at the start of a run. */
    private static LabLauncher launcher;
    private static final String RELAY = "198.18.0.10:4433";
    private static final long TRY_BYTES = 1_000_000;
    private static final String CLEAN_DIRECT = "clean, direct (cone/cone)";

    private final long bytes = Long.getLong("bench.megabytes", 200) * 1_000_000L;
    private final long userBytes = Long.getLong("bench.userMegabytes", 100) * 1_000_000L;
    private final int directTries = Integer.getInteger("bench.directTries", 5);
    private final int userRounds = Integer.getInteger("bench.userRounds", 5);
    /** Dials per transfer case; the table shows the median one. */
    private final int repeats = Math.max(1, Integer.getInteger("bench.repeats", 3));
    private final String prefix = System.getProperty("bench.prefix", "plbench");
    /** The labs to run (clean, symmetric, d20l1, d50l3, p20l1, p50l3), comma-separated; all when unset. */
    private final List<String> labs = List.of(System.getProperty("bench.labs", "clean,symmetric,d20l1,d50l3,p20l1,p50l3").split(","));
    /** Words that pick cases by name (all cases when unset). */
    private final List<String> cases = List.of(System.getProperty("bench.cases", "").split(","));
    private final Path work = Path.of("target", "lab-bench").toAbsolutePath();
    private final LabBenchTable table = new LabBenchTable();

    /** A lab brought up for some cases: its relay's contact, where its logs go, and one listener for dials. */
    private record Lab(NatLab nat, String relay, Path logs, LabProcess listener, String listenerContact, int delayMs) {
    }

    private interface Cases {
        void run(Lab lab) throws Exception;
    }

    private interface Measurement {
        Row measure() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Optional<String> unavailable = NatLab.unavailableReason();
        if (unavailable.isPresent()) {
            System.err.println("lab-bench: the NAT lab cannot run here (it needs root): " + unavailable.get());
            System.exit(2);
        }
        LabBenchmark bench = new LabBenchmark();
        String loadBefore = loadAverage();
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        NatLab.down(bench.prefix); // a lab of ours left over by a killed run; nobody else's
        // interrupted (Ctrl-C, kill): each NatLab's own hook stops its processes and takes it down; this one also
        // catches a lab whose "up" was still running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                NatLab.down(bench.prefix);
            } catch (IOException e) {
                System.err.println("lab-bench: could not take the lab down: " + e.getMessage());
            }
        }, "lab-bench-down"));
        try {
            bench.run();
        } finally {
            NatLab.down(bench.prefix);
        }
        String report = String.format(Locale.ROOT, "Lab benchmark, run of %s: %d MB per transfer, %d runs per transfer"
                        + " case, user-level file %d MB, %d tries to direct, %d user-level rounds; load average before %s,"
                        + " after %s.%n%n%s", started, bench.bytes / 1_000_000, bench.repeats, bench.userBytes / 1_000_000,
                bench.directTries, bench.userRounds,
                loadBefore, loadAverage(), bench.table.markdown());
        Files.writeString(bench.work.resolve("LAB-BENCH.md"), report);
        System.out.println();
        System.out.println(report);
        System.exit(0);
    }

    private void run() throws Exception {
        deleteTree(work); // the logs of the previous run
        Files.createDirectories(work);
        launcher = LabLauncher.prepare(work);
        table.note(launcher.description());
        inLab("clean", cone(0, 0), 0, lab -> {
            measure(LabBaselines.UDP, () -> LabBaselines.udpCeiling(lab.nat(), lab.logs(), bytes));
            measure(LabBaselines.KWIK, () -> LabBaselines.plainKwik(lab.nat(), lab.logs(), bytes));
            measure(CLEAN_DIRECT, () -> cleanDirect(lab));
            String toDirect = "time to direct, cone/cone, no delay";
            measure(toDirect, () -> timeToDirect(lab, toDirect, "tries", 200));
            measure("user-level: send / receive CODE, " + userBytes / 1_000_000 + " MB file", () -> userLevel(lab));
        });
        Map<String, Site> symmetric = new LinkedHashMap<>();
        symmetric.put("a", Site.of(NatType.APDM));
        symmetric.put("b", Site.of(NatType.APDM));
        String relayed = "clean, relayed (symmetric/symmetric)";
        inLab("symmetric", symmetric, 0, lab -> measure(relayed, () -> {
            Row row = transfer(lab, relayed, "relayed", false);
            return row.with("", new Goal(">= 10.2 MB/s", row.megabytesPerSecond() >= 10.2));
        }));
        // the impairments, each direction of the path has the delay and the loss (half the delay and the
        // matching loss on each site's link): the goals are checked here
        shapedLab("p20l1", path(20, 1.0), 10, "20 ms + 1% loss each way over the path", "20 ms each way over the path",
                "p20", true, 0.6);
        shapedLab("p50l3", path(50, 3.0), 25, "50 ms + 3% loss each way over the path", null, "p50", false, 0.3);
        // twice as hard: the impairment on each site's link, so the path has it twice (40 ms and 1.99 % loss each way;
        // 100 ms and 5.91 %); reported against clean direct without a goal, the time to direct with its own
        shapedLab("d20l1", cone(20, 1.0), 20, "20 ms + 1% loss on each link (40 ms + 2% each way)", "20 ms each way",
                "d20", true, 0);
        shapedLab("d50l3", cone(50, 3.0), 50, "50 ms + 3% loss on each link (100 ms + 5.9% each way)", null, "d50",
                false, 0);
    }

    /**
     * A lab with delay and loss: a transfer against {@code fraction} of the clean direct figure (0: the ratio only, no
     * goal) and, with a {@code toDirect} name, the time to direct against 3 RTT + 100 ms (RTT = 4 x the delay on each
     * link).
     */
    private void shapedLab(String lab, Map<String, Site> sites, int linkDelayMs, String impairment, String toDirect,
                           String log, boolean direct, double fraction) {
        inLab(lab, sites, linkDelayMs, shaped -> {
            // the lab's own ceiling: the same unpaced blaster as the clean lab's, through this lab's link shapers
            // (user-space programs on the same two cores as the engines)
            String ceiling = "baseline: raw UDP, " + impairment;
            measure(ceiling, () -> LabBaselines.udpCeiling(shaped.nat(), shaped.logs(), bytes, ceiling));
            String name = impairment + ", cone/cone";
            measure(name, () -> relativeGoal(transfer(shaped, name, log, direct), fraction));
            if (toDirect != null) {
                String tries = "time to direct, cone/cone, " + toDirect;
                measure(tries, () -> timeToDirect(shaped, tries, "tries", 3 * 4 * linkDelayMs + 100));
            }
        });
    }

    /**
     * Two port-restricted cone sites whose path, in each direction, has {@code delayMs} of delay and
     * {@code lossPercent} of loss: each site's link gets half the delay and the loss q with (1 - q)^2 = 1 - loss.
     */
    private static Map<String, Site> path(int delayMs, double lossPercent) {
        double perLink = 100 * (1 - Math.sqrt(1 - lossPercent / 100));
        return cone(delayMs / 2, Math.round(perLink * 10_000) / 10_000.0);
    }

    /** Two one-host sites behind port-restricted cone NATs (eim-apdf), each WAN link shaped both ways. */
    private static Map<String, Site> cone(int delayMs, double lossPercent) {
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("a", Site.of(NatType.EIM_APDF).withShaping(delayMs, lossPercent));
        sites.put("b", Site.of(NatType.EIM_APDF).withShaping(delayMs, lossPercent));
        return sites;
    }

    private void inLab(String name, Map<String, Site> sites, int delayMs, Cases cases) {
        if (!labs.contains(name)) {
            return;
        }
        System.err.println("lab-bench: bringing up lab '" + name + "' " + sites);
        Path logs = work.resolve(name);
        try (NatLab nat = NatLab.upSites(prefix, sites)) {
            LabProcess relay = punchline(nat, "relay", "relay", logs, "relay", "--listen", RELAY,
                    "--data-dir", logs.resolve("relay-data").toString());
            String contact = relay.firstLine(Duration.ofSeconds(90));
            LabProcess listen = null;
            Event listening = null;
            for (int attempt = 1; attempt <= 3 && listening == null; attempt++) {
                // on a loaded machine the first connection to a freshly started relay JVM can time out (15 s):
                // try again, and say so under the table
                listen = punchline(nat, "b", "listen" + (attempt > 1 ? attempt : ""), logs, "listen", "--relay", contact,
                        "--json");
                listening = listen.await(named("listen.contact"), Duration.ofSeconds(90));
                if (listening == null) {
                    listen.stop();
                    table.note("lab " + name + ": listener start " + attempt + " failed: "
                            + lastLine(logs.resolve(listen.name + ".err")));
                }
            }
            if (listening == null) {
                throw new IOException("the listener printed no contact (see " + logs + "/listen*.err)");
            }
            awaitQuiet(listen, name);
            cases.run(new Lab(nat, contact, logs, listen, listening.node().path("contact").asText(), delayMs));
            nat.close();
            if (!nat.shaperCounters().isEmpty()) {
                // whether the links lost what they were asked to and no more (the blaster's overload counts too)
                table.note("lab " + name + ", link shapers over the lab's life: " + String.join("; ",
                        nat.shaperCounters()));
            }
        } catch (Exception e) {
            table.add(Row.failed("lab " + name, e.toString()));
        }
    }

    /**
     * Waits until the listener's start-up work (its data path rehearsal, the JIT behind it) is over: a second in which
     * it used under 50 CPU-ms, 30 s at most (then a note says so), so that the baselines measured next do not share the
     * cores with it.
     */
    private void awaitQuiet(LabProcess listener, String lab) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long before = listener.cpuMillis();
        while (System.nanoTime() < until) {
            Thread.sleep(1000);
            long now = listener.cpuMillis();
            if (now - before < 50) {
                return;
            }
            before = now;
        }
        table.note("lab " + lab + ": the listener was still busy 30 s after it started");
    }

    private void measure(String name, Measurement measurement) {
        if (cases.stream().noneMatch(name::contains)) {
            return;
        }
        System.err.println("lab-bench: " + name + " ...");
        try {
            table.add(measurement.measure());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            table.add(Row.failed(name, "interrupted"));
        } catch (Exception e) {
            table.add(Row.failed(name, e.toString()));
        }
    }

    // ------------------------------------------------------------------------------------------ baselines

    // ------------------------------------------------------------------------------------------ punchline

    /**
     * {@code bench.repeats} dials of {@code bench.megabytes}, one after the other to the same listener; the row is the
     * run of median MB/s (the lower middle for an even count), its notes give every run's figures. With
     * {@code direct}, a goal that every run ended on the direct path.
     */
    private Row transfer(Lab lab, String name, String log, boolean direct) throws Exception {
        List<DialRun> runs = new ArrayList<>();
        List<Long> idle = new ArrayList<>();
        for (int i = 1; i <= repeats; i++) {
            long idleBefore = lab.listener().cpuMillis();
            Thread.sleep(2000);
            idle.add((lab.listener().cpuMillis() - idleBefore) / 2);
            runs.add(DialRun.run(lab.nat(), lab.logs(), lab.listener(), lab.listenerContact(),
                    "dial-" + log + (i > 1 ? "-" + i : ""), bytes, 0, transferTimeout(bytes)));
        }
        List<DialRun> byRate = new ArrayList<>(runs);
        byRate.sort(Comparator.comparingDouble(DialRun::megabytesPerSecond));
        DialRun run = byRate.get((byRate.size() - 1) / 2);
        String spread = runs.size() == 1 ? "" : String.format(Locale.ROOT, "; median of %d runs, in order: %s MB/s at %s"
                        + " CPU-ms/MB", runs.size(), String.join(", ", runs.stream().map(r -> oneDecimal(r.megabytesPerSecond())).toList()),
                String.join(", ", runs.stream().map(r -> oneDecimal(r.cpuMillisPerMegabyte())).toList()));
        Row row = new Row(name, run.megabytesPerSecond(), run.cpuMillisPerMegabyte(), run.millisToDirect(), List.of(),
                run.notes() + spread + "; idle listener before: " + idle.stream().map(String::valueOf)
                        .collect(Collectors.joining(", ")) + " CPU-ms/s");
        return direct ? row.with("", new Goal("path direct",
                runs.stream().allMatch(r -> "direct".equals(r.path())))) : row;
    }

    private static String oneDecimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private Row cleanDirect(Lab lab) throws Exception {
        Row row = transfer(lab, CLEAN_DIRECT, "clean", true);
        Row kwik = table.row(LabBaselines.KWIK);
        String ratio = kwik != null && kwik.megabytesPerSecond() > 0
                ? String.format(Locale.ROOT, "; %.2f x plain kwik", row.megabytesPerSecond() / kwik.megabytesPerSecond()) : "";
        return row.with(ratio, new Goal(">= 50 MB/s", row.megabytesPerSecond() >= 50),
                new Goal("< 40 CPU-ms/MB", row.cpuMillisPerMegabyte() < 40));
    }

    /** A goal relative to the clean direct transfer of this run ({@code fraction} 0: the ratio in the notes only). */
    private Row relativeGoal(Row row, double fraction) {
        Row clean = table.row(CLEAN_DIRECT);
        if (fraction <= 0) {
            return clean == null || !(clean.megabytesPerSecond() > 0) ? row : row.with(String.format(Locale.ROOT,
                    "; %.2f x clean direct", row.megabytesPerSecond() / clean.megabytesPerSecond()));
        }
        if (clean == null || !(clean.megabytesPerSecond() > 0)) {
            return row.with("", new Goal(">= " + fraction + " x clean direct (no clean figure)", false));
        }
        double ratio = row.megabytesPerSecond() / clean.megabytesPerSecond();
        return row.with(String.format(Locale.ROOT, "; %.2f x clean direct", ratio),
                new Goal(String.format(Locale.ROOT, ">= %.1f x clean direct (%.1f MB/s)", fraction,
                        fraction * clean.megabytesPerSecond()), ratio >= fraction));
    }

    private Row timeToDirect(Lab lab, String name, String log, long goalMillis) throws Exception {
        List<Double> times = new ArrayList<>();
        List<String> each = new ArrayList<>();
        for (int i = 1; i <= directTries; i++) {
            DialRun run;
            try {
                run = DialRun.run(lab.nat(), lab.logs(), lab.listener(), lab.listenerContact(), log + i, TRY_BYTES, 2,
                        Duration.ofSeconds(120));
            } catch (IOException e) {
                each.add("failed (" + e.getMessage() + ")");
                continue;
            }
            if (run.millisToDirect() >= 0) {
                times.add((double) run.millisToDirect());
            }
            each.add(run.millisToDirect() >= 0 ? run.millisToDirect() + "" : "never");
        }
        double median = median(times);
        String goal = lab.delayMs() == 0 ? "< " + goalMillis + " ms"
                : "< 3 RTT + 100 ms = " + goalMillis + " ms (RTT " + 4 * lab.delayMs() + " ms)";
        return new Row(name + ", median", Double.NaN, Double.NaN, Double.isNaN(median) ? -1 : Math.round(median),
                List.of(new Goal(goal, times.size() == directTries && median < goalMillis)),
                times.size() + " of " + directTries + " tries direct; ms: " + String.join(", ", each));
    }

    private Row userLevel(Lab lab) throws Exception {
        Path file = work.resolve("outbox").resolve("user-level.bin");
        TestFiles.writeRandom(file, userBytes, 10);
        List<Double> totals = new ArrayList<>();
        List<Double> pairings = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            for (int round = 1; round <= userRounds; round++) {
                try {
                    double[] figures = userRound(lab, file, round);
                    totals.add(figures[0]);
                    pairings.add(figures[1]);
                    cpu.add(figures[2]);
                } catch (IOException e) {
                    failures.add("round " + round + " failed: " + e.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        double total = median(totals);
        double pairing = median(pairings);
        return new Row("user-level: send / receive CODE, " + userBytes / 1_000_000 + " MB file, median of " + totals.size(),
                userBytes / 1e6 / total, median(cpu), -1,
                List.of(new Goal("< 4 s", failures.isEmpty() && total < 4), new Goal("pairing < 1.5 s", pairing < 1.5)),
                "receive start to exit " + seconds(total) + " (" + list(totals) + "), paired after " + seconds(pairing)
                        + " (" + list(pairings) + "); CPU includes both JVMs' start, pairing and hashing"
                        + (failures.isEmpty() ? "" : "; " + String.join("; ", failures)));
    }

    /** One user-level round: seconds from starting receive to its exit, seconds to pairing.done, CPU-ms per MB. */
    private double[] userRound(Lab lab, Path file, int round) throws IOException, InterruptedException {
        Path inbox = lab.logs().resolve("inbox" + round);
        LabProcess send = punchline(lab.nat(), "a", "send" + round, lab.logs(), "send", "--relay", lab.relay(),
                "--json", file.toString());
        LabProcess receive = null;
        try {
            Event code = send.await(named("pairing.code"), Duration.ofSeconds(120));
            if (code == null) {
                throw new IOException("send printed no code (see " + lab.logs().resolve("send" + round + ".err") + ")");
            }
            long sendCpu = send.cpuMillis();
            long start = System.nanoTime();
            receive = punchline(lab.nat(), "b", "receive" + round, lab.logs(), "receive",
                    code.node().path("code").asText(), "--relay", lab.relay(), "--dir", inbox.toString(), "--yes", "--json");
            boolean exited = receive.waitFor(transferTimeout(userBytes));
            double total = (System.nanoTime() - start) / 1e9;
            Event paired = receive.first(named("pairing.done"));
            if (!exited || receive.process.exitValue() != 0 || paired == null || receive.first(named("receive.done")) == null) {
                throw new IOException("receive " + (exited ? "exited " + receive.process.exitValue() : "timed out")
                        + " (see " + lab.logs() + "/receive" + round + ".*)");
            }
            send.waitFor(Duration.ofSeconds(30));
            return new double[] {total, (paired.arrivedNanos() - start) / 1e9,
                    (send.cpuMillis() - sendCpu + receive.cpuMillis()) / (userBytes / 1e6)};
        } finally {
            send.stop();
            if (receive != null) {
                receive.stop();
            }
            deleteTree(inbox);
        }
    }

    // ------------------------------------------------------------------------------------------ processes

    static LabProcess punchline(NatLab nat, String target, String name, Path logs, String... args) throws IOException {
        return LabProcess.start(nat, target, name, logs, Map.of("PUNCHLINE_HOME", logs.resolve(name + "-home").toString()),
                launcher != null ? launcher.command() : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", LabProcess.classPath(), LAUNCHER), List.of(args));
    }

    /** Each event of either process records the CPU time of both. */
    static void group(LabProcess one, LabProcess other) {
        one.cpuProbe = () -> one.cpuMillis() + other.cpuMillis();
        other.cpuProbe = one.cpuProbe;
    }

    /** Two minutes plus a second per half megabyte: generous for the slowest case, still bounded. */
    static Duration transferTimeout(long bytes) {
        return Duration.ofSeconds(120 + bytes / 500_000);
    }

    private static String lastLine(Path file) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
        return lines.isEmpty() ? "(nothing on stderr)" : lines.get(lines.size() - 1).strip();
    }

    /** The 1, 5 and 15 minute load averages. */
    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static String list(List<Double> values) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
