package io.punchline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code punchline} launcher as a real process (a JVM on the test class path) with its own {@code PUNCHLINE_HOME};
 * standard output is read on a thread of its own: lines, and {@code --json} events parsed. Standard error goes to
 * {@code home/stderr.log}.
 */
public final class LauncherProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final Path home;

    private LauncherProcess(Process process, Path home) {
        this.process = process;
        this.home = home;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith("{")) {
                        events.add(JSON.readTree(line));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "launcher-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static LauncherProcess start(Path home, String... args) throws IOException {
        Files.createDirectories(home);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.punchline.cli.Launcher"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(home.resolve("stderr.log").toFile());
        builder.environment().put("PUNCHLINE_HOME", home.toString());
        return new LauncherProcess(builder.start(), home);
    }

    public Process process() {
        return process;
    }

    public List<String> lines() {
        return lines;
    }

    /** The first line matching, waiting up to {@code timeout}; null if none came. */
    public String awaitLine(Predicate<String> filter, Duration timeout) throws InterruptedException {
        return await(lines, filter, timeout);
    }

    /** The first {@code --json} event matching, waiting up to {@code timeout}; null if none came. */
    public JsonNode awaitEvent(Predicate<JsonNode> filter, Duration timeout) throws InterruptedException {
        return await(events, filter, timeout);
    }

    public JsonNode awaitEvent(String name, Duration timeout) throws InterruptedException {
        return awaitEvent(event(name), timeout);
    }

    public List<JsonNode> events() {
        return events;
    }

    public static Predicate<JsonNode> event(String name) {
        return node -> name.equals(node.path("event").asText());
    }

    /** Waits for the exit and returns its code; -1 if it did not exit in time (then it is killed). */
    public int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    /** What the process wrote on standard error so far. */
    public String stderr() throws IOException {
        Path log = home.resolve("stderr.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static <T> T await(List<T> items, Predicate<T> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            while (checked < items.size()) {
                T item = items.get(checked++);
                if (filter.test(item)) {
                    return item;
                }
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
