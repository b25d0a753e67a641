package io.punchline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Quick start of the CLI (issue 10, point 5): how long {@code punchline receive CODE} takes from its process start to
 * "paired", and to its exit with a 1 MB file, all as real processes on loopback: one {@code punchline relay} process,
 * then per round a {@code send FILE --relay R --json} and, once it printed its code, a
 * {@code receive CODE --relay R --json --yes}, each with its own fresh {@code PUNCHLINE_HOME} (identities created
 * beforehand with {@code punchline id}, untimed, as on a machine that ran Punchline before).
 *
 * <p>Printed per round, in milliseconds from starting the receive process: {@code relay.bound} (JVM start, class
 * loading, relay connection with its ML-DSA-65 authentication, bind), {@code pairing.done} (claim, open, the peer
 * remembered), {@code receive.waiting} (our answer is in the mailbox: paired), {@code session.opened} (the sender
 * dialled, post-quantum handshake), {@code receive.done}, the exit, and the receive process's
 * CPU time (user + system, from {@code /usr/bin/time} when it is installed): on a loaded machine the wall-clock figures
 * follow the CPU share the process gets, the CPU time much less so. Then the medians.
 *
 * <p>Run (after {@code mvn -q -B -o -DskipTests package test-compile}):
 * <pre>
 * java -cp "target/test-classes:target/classes:target/lib/*" io.punchline.bench.QuickStartBenchmark
 * </pre>
 * System properties: {@code bench.rounds} (5), {@code bench.megabytes} (the file's size, 1), {@code bench.launcher} (the command that runs punchline, split at
 * spaces; default {@code JAVA -jar target/punchline.jar} with this JVM's java), {@code bench.receiverOptions} (extra
 * JVM options for the receiving process only, e.g. {@code -Xlog:class+load:file=/tmp/classes.txt}; only with the
 * default launcher).
 */
public final class QuickStartBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MILESTONES = List.of("relay.bound", "pairing.done", "receive.waiting",
            "session.opened", "receive.done", "exit", "cpu");
    private static final Path TIME = Path.of("/usr/bin/time");

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 5);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String launcher = System.getProperty("bench.launcher", java + " -jar target/punchline.jar");
        String receiverOptions = System.getProperty("bench.receiverOptions", "");
        Path work = Files.createTempDirectory("punchline-quickstart");
        int megabytes = Integer.getInteger("bench.megabytes", 1);
        Path file = work.resolve(megabytes + "-megabytes.bin");
        byte[] data = new byte[1_000_000];
        SplittableRandom random = new SplittableRandom(5);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < megabytes; i++) {
                random.nextBytes(data);
                out.write(data);
            }
        }

        Process relay = start(command(launcher, "", "relay", "--listen", "127.0.0.1:0", "--data-dir",
                work.resolve("relay-data").toString(), "--allow-loopback-targets"), work.resolve("relay-home"));
        Lines relayOut = new Lines(relay);
        String contact = relayOut.awaitLine(line -> line.contains("#"), 60_000);
        if (contact == null) {
            throw new IllegalStateException("the relay printed no contact");
        }
        System.out.println("relay " + contact);
        Map<String, List<Long>> all = new TreeMap<>();
        try {
            for (int round = 1; round <= rounds; round++) {
                Map<String, Long> times = round(launcher, receiverOptions, contact, file, work.resolve("round-" + round));
                times.forEach((name, millis) -> all.computeIfAbsent(name, k -> new ArrayList<>()).add(millis));
                StringBuilder line = new StringBuilder("round " + round + ":");
                MILESTONES.forEach(m -> line.append(String.format(Locale.ROOT, "  %s %s", m, times.getOrDefault(m, -1L))));
                System.out.println(line);
            }
        } finally {
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
        }
        StringBuilder median = new StringBuilder("median of " + rounds + ":");
        for (String m : MILESTONES) {
            List<Long> values = new ArrayList<>(all.getOrDefault(m, List.of()));
            Collections.sort(values);
            median.append(String.format(Locale.ROOT, "  %s %s", m, values.isEmpty() ? -1 : values.get(values.size() / 2)));
        }
        System.out.println(median);
    }

    private static Map<String, Long> round(String launcher, String receiverOptions, String relay, Path file, Path dir)
            throws Exception {
        Path sendHome = dir.resolve("send-home");
        Path receiveHome = dir.resolve("receive-home");
        for (Path home : List.of(sendHome, receiveHome)) {
            Process id = start(command(launcher, "", "id"), home);
            if (!id.waitFor(60, TimeUnit.SECONDS) || id.exitValue() != 0) {
                throw new IllegalStateException("punchline id failed in " + home);
            }
        }
        Process send = start(command(launcher, "", "send", file.toString(), "--relay", relay, "--json"), sendHome);
        Lines sendOut = new Lines(send);
        try {
            JsonNode code = sendOut.awaitEvent("pairing.code", 60_000);
            if (code == null) {
                throw new IllegalStateException("send printed no code: " + Files.readString(sendHome.resolve("stderr.log")));
            }
            long started = System.currentTimeMillis();
            List<String> receiveCommand = command(launcher, receiverOptions, "receive", code.path("code").asText(),
                    "--relay", relay, "--json", "--yes", "--dir", dir.resolve("inbox").toString());
            Path cpu = dir.resolve("receive-cpu.txt");
            if (Files.isExecutable(TIME)) {
                receiveCommand.addAll(0, List.of(TIME.toString(), "-f", "%U %S", "-o", cpu.toString()));
            }
            Process receive = start(receiveCommand, receiveHome);
            Lines receiveOut = new Lines(receive);
            if (!receive.waitFor(120, TimeUnit.SECONDS)) {
                receive.destroyForcibly();
                throw new IllegalStateException("receive did not finish");
            }
            long exited = System.currentTimeMillis();
            receiveOut.drained();
            Map<String, Long> times = new TreeMap<>();
            for (JsonNode event : receiveOut.events) {
                times.putIfAbsent(event.path("event").asText(), event.path("t").asLong() - started);
            }
            times.put("exit", exited - started);
            if (Files.exists(cpu)) {
                String[] userSystem = Files.readString(cpu).trim().split("\\s+");
                times.put("cpu", Math.round((Double.parseDouble(userSystem[userSystem.length - 2])
                        + Double.parseDouble(userSystem[userSystem.length - 1])) * 1000));
            }
            if (receive.exitValue() != 0) {
                throw new IllegalStateException("receive exited with " + receive.exitValue() + ": "
                        + Files.readString(receiveHome.resolve("stderr.log")));
            }
            return times;
        } finally {
            send.destroy();
            send.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> command(String launcher, String jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(launcher.trim().split(" +")));
        if (!jvmOptions.isBlank()) {
            command.addAll(1, List.of(jvmOptions.trim().split(" +")));
        }
        command.addAll(List.of(args));
        return command;
    }

    private static Process start(List<String> command, Path home) throws IOException {
        Files.createDirectories(home);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(home.resolve("stderr.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PUNCHLINE_HOME", home.toString());
        return builder.start();
    }

    /** A process's standard output read on a thread of its own: lines, and --json events parsed. */
    private static final class Lines {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        Lines(Process process) {
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("{")) {
                            events.add(JSON.readTree(line));
                        }
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "bench-output");
            reader.setDaemon(true);
            reader.start();
        }

        String awaitLine(java.util.function.Predicate<String> filter, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            for (long left = millis; left > 0; left = deadline - System.currentTimeMillis()) {
                String line = lines.poll(left, TimeUnit.MILLISECONDS);
                if (line != null && filter.test(line)) {
                    return line;
                }
            }
            return null;
        }

        JsonNode awaitEvent(String name, long millis) throws InterruptedException {
            String line = awaitLine(l -> l.startsWith("{") && l.contains("\"" + name + "\""), millis);
            try {
                return line == null ? null : JSON.readTree(line);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void drained() throws InterruptedException {
            reader.join(10_000);
        }
    }
}
