package io.punchline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code punchline relay --metrics 127.0.0.1:0 --log-format json} as a real process, the way the systemd unit runs it:
 * every log line on standard error is a JSON object, one of them names the monitoring address, and {@code /healthz}
 * and {@code /metrics} answer there.
 */
@Timeout(90)
class RelayMonitoringProcessTest {

    private static final Pattern MONITORING = Pattern.compile("health and metrics on (http://\\S+)/healthz");

    @TempDir
    Path data;

    @Test
    void aRelayWithMetricsAndJsonLogsLogsItsMonitoringAddressAsJsonAndAnswersItsHealthCheck() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.punchline.cli.Launcher", "relay",
                "--listen", "127.0.0.1:0", "--data-dir", data.toString(), "--metrics", "127.0.0.1:0",
                "--log-format", "json");
        Process relay = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BlockingQueue<String> logLines = drain(relay);
            ObjectMapper json = new ObjectMapper();
            String base = null;
            while (base == null) {
                String line = logLines.poll(30, TimeUnit.SECONDS);
                assertThat(line).as("a log line within 30 s").isNotNull();
                JsonNode event = json.readTree(line); // every line a JSON object, or this throws
                assertThat(event.path("level").asText()).isNotEmpty();
                Matcher matcher = MONITORING.matcher(event.path("formattedMessage").asText());
                if (matcher.find()) {
                    base = matcher.group(1);
                }
            }
            assertThat(base).as("a JSON log line naming the monitoring address").isNotNull();

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("punchline_relay_sessions 0");
        } finally {
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The process's standard error, line by line, read on a thread of its own so that no read blocks the test. */
    private static BlockingQueue<String> drain(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "relay-stderr");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
