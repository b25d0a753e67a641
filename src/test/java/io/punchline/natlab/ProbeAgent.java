package io.punchline.natlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Drives a {@link UdpProbe} running inside a lab namespace, one command and one answer at a time. */
public final class ProbeAgent implements AutoCloseable {

    private static final long ANSWER_SLACK_MS = 10_000;
    private final String target;
    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ProbeAgent(String target, Process process) {
        this.target = target;
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
            lines.add("eof");
        }, "probe-" + target);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a probe in a lab target and waits (bounded) until it is ready. */
    public static ProbeAgent start(NatLab lab, String target) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes;
        try {
            classes = Path.of(UdpProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Process p = lab.processBuilder(target, List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-Xmx32m", "-cp", classes, UdpProbe.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ProbeAgent agent = new ProbeAgent(target, p);
        String first = agent.next(20_000);
        if (!"ready".equals(first)) {
            agent.close();
            throw new IOException("probe in " + target + " did not start: " + first);
        }
        return agent;
    }

    private String next(long timeoutMs) throws IOException {
        try {
            String line = lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new IOException("no answer from probe in " + target + " within " + timeoutMs + " ms");
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Sends one command and returns its answer; throws on an error answer. */
    public synchronized String command(String command, long expectedMs) throws IOException {
        in.write(command + "\n");
        in.flush();
        String answer = next(expectedMs + ANSWER_SLACK_MS);
        if (answer.startsWith("error") || answer.equals("eof")) {
            throw new IOException("probe in " + target + ": '" + command + "' -> " + answer);
        }
        return answer;
    }

    /** Binds a named socket; returns its local port. */
    public int bind(String name, int port) throws IOException {
        return Integer.parseInt(command("bind " + name + " " + port, 0).split(" ")[2]);
    }

    public void send(String name, InetSocketAddress to, String text, int copies) throws IOException {
        command("send " + name + " " + to.getAddress().getHostAddress() + " " + to.getPort() + " " + text + " " + copies, copies * 20L);
    }

    public void send(String name, InetAddress ip, int port, String text, int copies) throws IOException {
        send(name, new InetSocketAddress(ip, port), text, copies);
    }

    /** Waits for a datagram with this text on a socket; returns its source, or empty on timeout. */
    public Optional<InetSocketAddress> expect(String name, String text, int timeoutMs) throws IOException {
        String answer = command("expect " + name + " " + text + " " + timeoutMs, timeoutMs);
        if (answer.startsWith("timeout")) {
            return Optional.empty();
        }
        String source = answer.split(" ")[2];
        int colon = source.lastIndexOf(':');
        return Optional.of(new InetSocketAddress(InetAddress.getByName(source.substring(0, colon)),
                Integer.parseInt(source.substring(colon + 1))));
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
            in.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
