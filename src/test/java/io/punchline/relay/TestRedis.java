package io.punchline.relay;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code redis-server} for one test class, on a free loopback port, without persistence: the fleet
 * store's tests run against the server the relays use in production. Tests calling {@link #start()} are skipped with the
 * reason when {@code redis-server} is not installed ({@code apt-get install redis-server}).
 */
public final class TestRedis implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(10);

    private final Path executable;
    private final List<String> extraArguments;
    private int port;
    private Process process;

    private TestRedis(Path executable, List<String> extraArguments) {
        this.executable = executable;
        this.extraArguments = extraArguments;
    }

    /**
     * Starts a server (with these configuration arguments besides port and persistence, e.g. {@code --requirepass X}),
     * or skips the test when there is no redis-server.
     */
    public static TestRedis start(String... extraArguments) throws IOException, InterruptedException {
        Path executable = find();
        Assumptions.assumeTrue(executable != null,
                "redis-server is not installed (apt-get install redis-server): fleet store tests skipped");
        TestRedis redis = new TestRedis(executable, List.of(extraArguments));
        for (int attempt = 1; ; attempt++) {
            redis.port = freePort();
            try {
                redis.run();
                return redis;
            } catch (IOException e) {
                if (attempt == 3) {
                    throw e; // three free ports taken before the server bound them: not a race any more
                }
            }
        }
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server (the store goes away under the relays); {@link #restart()} brings an empty one back. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    /** Starts an empty server on the same port again. */
    public void restart() throws IOException, InterruptedException {
        stop();
        run();
    }

    private void run() throws IOException, InterruptedException {
        // --port 0 would mean "no TCP": a port that was free a moment ago; if it was taken since, the server exits and
        // the wait below says so
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"));
        command.addAll(extraArguments);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited with " + process.exitValue());
            }
            if (answersPing()) {
                return;
            }
            Thread.sleep(20);
        }
        stop();
        throw new IOException("redis-server on port " + port + " not ready within " + READY);
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readNBytes(7), StandardCharsets.US_ASCII);
            return reply.equals("+PONG\r\n") || reply.equals("-NOAUTH"); // with --requirepass: up, wants a password
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Whether {@code redis-server} is installed (on PATH or in the usual folders). */
    public static boolean installed() {
        return find() != null;
    }

    private static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
