package io.punchline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.punchline.natlab.NatLab;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A JVM started in a host of the NAT lab by {@link LabBenchmark}: its standard output read line by line on a thread
 * of its own (JSON events kept with the time they arrived and a CPU reading taken then), its standard error in a log
 * file, and its CPU time read from {@code /proc/PID/stat}.
 */
final class LabProcess {

    /** A JSON line, when it arrived ({@link System#nanoTime()}) and the CPU reading ({@link #cpuProbe}) taken then. */
    record Event(JsonNode node, long arrivedNanos, long cpuMillis) {
        String name() {
            return node.path("event").asText();
        }

        long t() {
            return node.path("t").asLong();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux (getconf CLK_TCK)

    final String name;
    final Process process;
    final long startedNanos;
    final List<Event> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** What each event's {@link Event#cpuMillis} reads: this process's CPU time unless set to a group's. */
    volatile LongSupplier cpuProbe = this::cpuMillis;
    private volatile long lastCpuMillis;
    private volatile boolean outputEnded;

    private LabProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.startedNanos = System.nanoTime();
        Thread reader = new Thread(() -> read(log), "lab-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java -cp CLASSPATH mainClass args} in {@code target}'s namespace, with {@code env} added. */
    static LabProcess start(NatLab lab, String target, String name, Path logs, Map<String, String> env,
                            String mainClass, List<String> args) throws IOException {
        return start(lab, target, name, logs, env, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath(), mainClass), args);
    }

    /** Starts {@code launch} (a JVM command up to its main class or jar) with {@code args} in {@code target}'s namespace. */
    static LabProcess start(NatLab lab, String target, String name, Path logs, Map<String, String> env,
                            List<String> launch, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(launch);
        command.addAll(args);
        Files.createDirectories(logs);
        ProcessBuilder builder = lab.processBuilder(target, command)
                .redirectError(logs.resolve(name + ".err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        // NatLab.exec tracks the process too, so the lab's close() stops it at the latest
        Process process = lab.start(builder);
        return new LabProcess(name, process, logs.resolve(name + ".out"));
    }

    /**
     * The class path of this benchmark: the class loader's URLs under {@code exec:java} (whose
     * {@code java.class.path} is Maven's own), {@code java.class.path} otherwise.
     */
    static String classPath() {
        String configured = System.getProperty("bench.classpath");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (LabProcess.class.getClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a file: not on a JVM's class path either
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private void read(Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer copy = Files.newBufferedWriter(log)) {
            for (String line; (line = in.readLine()) != null; ) {
                long arrived = System.nanoTime();
                copy.write(line);
                copy.write('\n');
                copy.flush();
                lines.add(line);
                if (line.startsWith("{")) {
                    try {
                        Event event = new Event(JSON.readTree(line), arrived, cpuProbe.getAsLong());
                        events.add(event);
                        queue.add(event);
                    } catch (IOException e) {
                        // not JSON after all: kept in the log
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            outputEnded = true;
        }
    }

    /** The first line of standard output (a relay's contact), waiting at most {@code timeout}. */
    String firstLine(Duration timeout) throws IOException, InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new IOException(name + " printed nothing within " + timeout.toSeconds() + " s");
        }
        return line;
    }

    /** The first event matching {@code filter}, waiting at most {@code timeout}; null when none came or the process ended. */
    Event await(Predicate<JsonNode> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Event event : events) {
            if (filter.test(event.node())) {
                return event;
            }
        }
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            boolean ended = outputEnded;
            Event event = queue.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS);
            if (event != null && filter.test(event.node())) {
                return event;
            }
            if (event == null && ended) {
                return null;
            }
        }
    }

    /** The first event so far matching {@code filter}, or null. */
    Event first(Predicate<JsonNode> filter) {
        return events.stream().filter(e -> filter.test(e.node())).findFirst().orElse(null);
    }

    static Predicate<JsonNode> named(String event) {
        return node -> event.equals(node.path("event").asText());
    }

    /** Waits for the process to exit; false if it is still running after {@code timeout}. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * User plus system CPU time of the process so far, all threads ({@code /proc/PID/stat} fields 14 and 15), in
     * milliseconds; the last reading once the process is gone. {@code ip netns exec} execs the command, so the
     * process's PID is the JVM's.
     */
    long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            lastCpuMillis = ticks * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            // exited: keep the last reading
        }
        return lastCpuMillis;
    }

    /** Asks the process to stop (SIGTERM), then kills it after 5 s. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
