package io.punchline.bench;

import io.punchline.crypto.Identity;
import io.punchline.masque.BindClient;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Relay load benchmark (issue 14, "Lean sessions"): a real {@code punchline relay} process on loopback, and in this
 * JVM a load generator opening real authenticated binds, one kwik connection and one {@link Identity} each, in steps.
 * At each step it prints the relay process's resident memory and threads ({@code /proc/PID/status}), its CPU while
 * idle over {@code bench.idleSeconds} ({@code /proc/PID/stat}), the figures per session above the relay with no
 * session, and whether a datagram still crosses from the first session's bind to the last one's through the relay.
 * It stops at the first refused bind and prints what the refusal said.
 *
 * <p>Only the relay process is measured: the client connections cost this JVM threads and memory of their own. The
 * relay runs with its caps lifted to {@code bench.sessions} (all clients share 127.0.0.1) and an idle timeout of a
 * day, so no bind ends for lack of traffic during the ramp. Options (system properties): {@code bench.sessions}
 * (3000), {@code bench.steps} (250,500,1000,1500,2000,2500,3000,...: every 500 after 1000), {@code bench.parallel}
 * (binds opened at once, 4), {@code bench.idleSeconds} (10), {@code bench.settleSeconds} (3: the wait after each
 * ramp before the idle window, for a relay settled after the ramp's handshakes, JIT and GC), {@code bench.relayJvm}
 * (JVM options of the relay, none),
 * {@code bench.shareClientThreads} (true: the clients' kwik connections share their timers and callback threads,
 * {@link SharedClientThreads}, so that relay and load generator fit the machine's thread limit).
 *
 * <p>Run (docs/BENCHMARKS.md): {@code MAVEN_OPTS="-Xmx4g -Xss256k" mvn -q -B -o test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.punchline.bench.RelayLoadBenchmark -Dbench.sessions=3000}
 */
public final class RelayLoadBenchmark {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Threads left to the rest of the machine (other users' builds) when the next step would need more. */
    private static final int THREAD_HEADROOM = 2000;
    /** Threads a session costs relay and load generator together, assumed before the first step measured it. */
    private static final int FIRST_GUESS_THREADS_PER_SESSION = 16;

    private final List<BindClient> binds = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<String> crossed = new LinkedBlockingQueue<>();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicReference<String> refusal = new AtomicReference<>();
    /** The clients' kwik threads that can be shared, or null for kwik's own per connection. */
    private final SharedClientThreads sharedThreads =
            Boolean.parseBoolean(System.getProperty("bench.shareClientThreads", "true")) ? new SharedClientThreads() : null;

    public static void main(String[] args) throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 3000);
        int parallel = Integer.getInteger("bench.parallel", 4);
        int idleSeconds = Integer.getInteger("bench.idleSeconds", 10);
        Duration settle = Duration.ofSeconds(Integer.getInteger("bench.settleSeconds", 3));
        Path data = Files.createTempDirectory("relay-load");
        Process relay = startRelay(data, sessions, System.getProperty("bench.relayJvm", ""));
        try {
            RelayAddress address = RelayAddress.parse(contactLine(relay));
            new RelayLoadBenchmark().run(relay.pid(), address, steps(sessions), parallel, idleSeconds, settle);
        } finally {
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private void run(long pid, RelayAddress address, List<Integer> steps, int parallel, int idleSeconds,
                     Duration settle) throws Exception {
        System.out.printf(Locale.ROOT, "Relay load: relay pid %d, steps %s, %d binds opened at once, idle CPU over "
                + "%d s from %d s after each ramp, load average %s%n", pid, steps, parallel, idleSeconds, settle.toSeconds(),
                loadAverage());
        System.out.println("| sessions | relay RSS | live heap | threads | idle CPU (% of a core) | per session: RSS, "
                + "live heap, threads | idle CPU per 1,000 sessions | datagram crosses | ramp time | load generator: "
                + "threads, RSS | machine threads |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Thread.sleep(settle.toMillis());
        Step empty = measure(pid, 0, null, idleSeconds, 0);
        print(empty, empty);
        Step last = empty;
        ExecutorService openers = Executors.newFixedThreadPool(parallel);
        try {
            for (int target : steps) {
                String tooMany = threadLimitBefore(target, empty, last);
                if (tooMany != null) {
                    System.out.println("Stopped before " + target + " sessions: " + tooMany);
                    break;
                }
                long started = System.nanoTime();
                openUpTo(target, address, openers);
                long rampSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                Thread.sleep(settle.toMillis());
                last = measure(pid, binds.size(), address, idleSeconds, rampSeconds);
                print(empty, last);
                if (refusal.get() != null) {
                    System.out.println("Refused at " + binds.size() + " open sessions: " + refusal.get());
                    break;
                }
            }
        } finally {
            openers.shutdownNow();
        }
        System.out.println("load average at the end: " + loadAverage() + "; sessions ended during the run: " + lost.get());
    }

    /**
     * Why the step to {@code target} sessions is not taken, or null: its sessions, at the threads each cost relay and
     * load generator together in the last step, would take the machine's threads within {@value #THREAD_HEADROOM} of
     * its limit ({@code kernel.pid_max} or {@code kernel.threads-max}), where thread creation fails for every process
     * on the machine, other users' included.
     */
    private String threadLimitBefore(int target, Step empty, Step last) throws IOException {
        int sessions = last.sessions();
        double perSession = sessions == 0 ? FIRST_GUESS_THREADS_PER_SESSION
                : (last.sample().threads() - empty.sample().threads()
                + last.generator().threads() - empty.generator().threads()) / (double) sessions;
        long limit = Math.min(readLong("/proc/sys/kernel/pid_max"), readLong("/proc/sys/kernel/threads-max"));
        long now = machineThreads();
        long needed = Math.round((target - binds.size()) * perSession);
        if (now + needed <= limit - THREAD_HEADROOM) {
            return null;
        }
        return String.format(Locale.ROOT, "%d more sessions at %.1f threads each (relay and load generator) would take "
                + "the machine from %d to %d threads, past its limit of %d less %d for everyone else",
                target - binds.size(), perSession, now, now + needed, limit, THREAD_HEADROOM);
    }

    /** Threads on the whole machine: the total of {@code /proc/loadavg}'s running/total field. */
    private static long machineThreads() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return Long.parseLong(fields[3].substring(fields[3].indexOf('/') + 1));
    }

    /** A number from a {@code /proc/sys} file ({@code Files.readString} reads only its first byte: size 0). */
    private static long readLong(String file) throws IOException {
        return Long.parseLong(Files.readAllLines(Path.of(file)).get(0).trim());
    }

    /** Opens binds until {@code target} are open or one is refused. */
    private void openUpTo(int target, RelayAddress address, ExecutorService openers) throws InterruptedException {
        List<Future<?>> opening = new ArrayList<>();
        for (int i = binds.size(); i < target; i++) {
            opening.add(openers.submit(() -> {
                if (refusal.get() != null) {
                    return;
                }
                AtomicBoolean open = new AtomicBoolean(); // a bind BindAttempt closes itself (and retries) is not lost
                try {
                    binds.add(BindClient.connect(address, Identity.generate(new SecureRandom()), sharedThreads, new BindClient.Listener() {
                        @Override
                        public void onPayload(InetSocketAddress source, byte[] data, int offset, int length) {
                            crossed.add(new String(data, offset, length, StandardCharsets.US_ASCII));
                        }

                        @Override
                        public void onClosed(String reason) {
                            if (open.get()) {
                                lost.incrementAndGet();
                            }
                        }
                    }, CONNECT_TIMEOUT));
                    open.set(true);
                } catch (BindException e) {
                    refusal.compareAndSet(null, e.getMessage());
                }
            }));
        }
        for (Future<?> future : opening) {
            try {
                future.get();
            } catch (ExecutionException e) {
                refusal.compareAndSet(null, String.valueOf(e.getCause()));
            }
        }
    }

    /** One step's readings: of the relay process, and {@code generator} of this JVM (the load generator). */
    record Step(int sessions, ProcessSample sample, double idleCorePercent, long liveHeapKib, String datagram,
                long rampSeconds, ProcessSample generator, long machineThreads) {
    }

    private Step measure(long pid, int sessions, RelayAddress address, int idleSeconds, long rampSeconds)
            throws IOException, InterruptedException {
        ProcessSample before = ProcessSample.of(pid);
        long started = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
        ProcessSample after = ProcessSample.of(pid);
        double seconds = (System.nanoTime() - started) / 1e9;
        long liveHeap = liveHeapKib(pid);
        String datagram = sessions < 2 ? "-" : crossing(sessions);
        return new Step(sessions, after, after.corePercentSince(before, seconds), liveHeap, datagram, rampSeconds,
                ProcessSample.of(ProcessHandle.current().pid()), machineThreads());
    }

    /** Whether a payload from the first bind reaches the last one's public address through the relay, and how fast. */
    private String crossing(int sessions) throws InterruptedException {
        BindClient from = binds.get(0);
        BindClient to = binds.get(sessions - 1);
        String marker = "crossing at " + sessions;
        crossed.clear();
        long started = System.nanoTime();
        try {
            from.send(to.publicAddresses().get(0), marker.getBytes(StandardCharsets.US_ASCII), 0, marker.length());
        } catch (IOException e) {
            return "no: " + e.getMessage();
        }
        long deadline = started + TimeUnit.SECONDS.toNanos(5);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            if (marker.equals(crossed.poll(left, TimeUnit.NANOSECONDS))) {
                return String.format(Locale.ROOT, "yes (%.0f ms)", (System.nanoTime() - started) / 1e6);
            }
        }
        return "no (5 s)";
    }

    /**
     * The relay's Java heap in use after a full collection ({@code jcmd PID GC.run}, then {@code GC.heap_info}), in
     * KiB, or -1: what the sessions hold, apart from how much the collector lets the heap grow before collecting.
     * Taken after the RSS and idle CPU readings, which the collection would disturb.
     */
    private static long liveHeapKib(long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        Process info = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
        String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        info.waitFor();
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(text);
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    private static void print(Step empty, Step step) {
        int n = step.sessions();
        String perSession = n == 0 ? "-" : String.format(Locale.ROOT, "%.0f KiB, %.0f KiB, %.2f",
                (step.sample().rssKib() - empty.sample().rssKib()) / (double) n,
                (step.liveHeapKib() - empty.liveHeapKib()) / (double) n,
                (step.sample().threads() - empty.sample().threads()) / (double) n);
        String perThousand = n == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%",
                (step.idleCorePercent() - empty.idleCorePercent()) * 1000 / n);
        System.out.printf(Locale.ROOT, "| %d | %.1f MiB | %.1f MiB | %d | %.1f %% | %s | %s | %s | %s | %d, %.0f MiB "
                        + "| %d |%n", n,
                step.sample().rssKib() / 1024.0, step.liveHeapKib() / 1024.0, step.sample().threads(),
                step.idleCorePercent(), perSession,
                perThousand, step.datagram(), n == 0 ? "-" : step.rampSeconds() + " s", step.generator().threads(),
                step.generator().rssKib() / 1024.0, step.machineThreads());
    }

    static List<Integer> steps(int sessions) {
        String configured = System.getProperty("bench.steps");
        List<Integer> steps = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            Arrays.stream(configured.split(",")).map(String::trim).map(Integer::parseInt).forEach(steps::add);
        } else {
            steps.addAll(List.of(250, 500, 1000));
            for (int n = 1500; n < sessions; n += 500) {
                steps.add(n);
            }
        }
        steps.removeIf(n -> n >= sessions);
        steps.add(sessions);
        return steps;
    }

    private static Process startRelay(Path data, int sessions, String jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!jvmOptions.isBlank()) {
            command.addAll(List.of(jvmOptions.trim().split(" +")));
        }
        String cap = Integer.toString(sessions + 16);
        command.addAll(List.of("-cp", LabProcess.classPath(), "io.punchline.cli.Launcher", "relay",
                "--listen", "127.0.0.1:0", "--data-dir", data.toString(), "--allow-loopback-targets",
                "--max-sessions", cap, "--max-sessions-per-client", cap,
                "--max-connections", cap, "--max-connections-per-client", cap,
                "--requests-per-minute", "1000000", "--idle-timeout", "86400"));
        return new ProcessBuilder(command).redirectError(data.resolve("relay.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static String contactLine(Process relay) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the relay process printed no contact line");
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // nothing else is expected on standard output; read so the relay never blocks on it
                }
            } catch (IOException e) {
                // the relay ended
            }
        }, "relay-stdout");
        drain.setDaemon(true);
        drain.start();
        return line;
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private RelayLoadBenchmark() {
    }
}
