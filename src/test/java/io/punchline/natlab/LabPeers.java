package io.punchline.natlab;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Real {@code punchline} processes in a NAT lab: a relay on the relay host, a listener and a dialler behind NATs, each
 * a JVM started in its namespace with the test class path, their {@code --json} events read line by line.
 */
final class LabPeers implements AutoCloseable {

    static final int RELAY_PORT = 4433;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NatLab lab;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    final String relayContact;
    /** The relay process on the relay host. */
    final Process relay;

    LabPeers(NatLab lab, Path work) throws IOException {
        this(lab, work, false);
    }

    LabPeers(NatLab lab, Path work, boolean ipv6) throws IOException {
        this(lab, work, ipv6, List.of());
    }

    /**
     * With {@code ipv6}, the relay listens on {@code [::]:4433}, one dual-stack socket, and announces the relay host's
     * IPv6 address (a lab with an IPv6 site): its contact, {@link #relayContact}, is {@code [2001:db8::10]:4433#...}.
     * {@code relayOptions} go to the relay's command line ({@code --store} and {@code --fleet}, say).
     */
    LabPeers(NatLab lab, Path work, boolean ipv6, List<String> relayOptions) throws IOException {
        this.lab = lab;
        this.work = work;
        Files.createDirectories(work);
        List<String> listen = ipv6
                ? List.of("--listen", "[::]:" + RELAY_PORT, "--public-address", lab.relayHost6().getHostAddress())
                : List.of("--listen", lab.relayHost().getHostAddress() + ":" + RELAY_PORT);
        List<String> args = new ArrayList<>(List.of("relay"));
        args.addAll(listen);
        args.addAll(List.of("--data-dir", work.resolve("relay").toString()));
        args.addAll(relayOptions);
        relay = start("relay", "relay", args);
        relayContact = firstLine(relay, Duration.ofSeconds(60));
    }

    /** A JVM running the launcher with {@code args} in {@code target}'s namespace; stderr goes to a log file. */
    Process start(String target, String name, List<String> args) throws IOException {
        return start(target, name, name, args);
    }

    /** As {@link #start(String, String, List)}, with the configuration folder of another run ({@code home}): the same device. */
    Process start(String target, String name, String home, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.punchline.cli.Launcher"));
        command.addAll(args);
        ProcessBuilder builder = lab.processBuilder(target, command)
                .redirectError(work.resolve(name + ".err").toFile());
        builder.environment().put("PUNCHLINE_HOME", work.resolve(home).toString());
        builder.environment().put("PUNCHLINE_LOG", "INFO");
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Events of a {@code --json} process started as {@code name}, read on a thread of their own and logged. */
    Events events(Process process, String name) {
        return new Events(process, work.resolve(name + ".events"));
    }

    /** Events of a {@code --json} process, read on a thread of their own, copied to {@code log}. */
    static final class Events {
        final BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        final List<JsonNode> all = new java.util.concurrent.CopyOnWriteArrayList<>();

        Events(Process process, Path log) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                     java.io.Writer copy = Files.newBufferedWriter(log)) {
                    for (String line; (line = in.readLine()) != null; ) {
                        copy.write(line);
                        copy.write('\n');
                        copy.flush();
                        if (line.startsWith("{")) {
                            JsonNode node = JSON.readTree(line);
                            all.add(node);
                            queue.add(node);
                        }
                    }
                } catch (IOException e) {
                    // process ended
                }
            }, "lab-events");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event matching {@code filter}, waiting at most {@code timeout}; null when none came. */
        JsonNode await(Predicate<JsonNode> filter, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (JsonNode node : all) {
                if (filter.test(node)) {
                    return node;
                }
            }
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                JsonNode node = queue.poll(left, TimeUnit.NANOSECONDS);
                if (node != null && filter.test(node)) {
                    return node;
                }
            }
        }

        JsonNode first(String event) {
            return all.stream().filter(n -> event.equals(n.path("event").asText())).findFirst().orElse(null);
        }

        JsonNode first(Predicate<JsonNode> filter) {
            return all.stream().filter(filter).findFirst().orElse(null);
        }
    }

    static Predicate<JsonNode> event(String name) {
        return node -> name.equals(node.path("event").asText());
    }

    static Predicate<JsonNode> switchedTo(String path) {
        return node -> "path.switched".equals(node.path("event").asText()) && path.equals(node.path("path").asText());
    }

    static String firstLine(Process process, Duration timeout) throws IOException {
        BlockingQueue<String> line = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                String first = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
                line.add(first == null ? "" : first);
            } catch (IOException e) {
                line.add("");
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String first = line.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null || first.isEmpty()) {
                throw new IOException("the relay printed no contact within " + timeout.toSeconds() + " s");
            }
            return first;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
