package io.punchline.relay;

import io.punchline.crypto.Identity;
import io.punchline.masque.BindClient;
import io.punchline.masque.BindException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The relay's health check and Prometheus metrics (docs/RELAY.md): a real relay in process, its monitoring endpoint on
 * an ephemeral loopback port, the JDK's HTTP client, real authenticated binds over kwik and flupke.
 */
@Timeout(60)
class MonitoringEndpointTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private RelayServer relay;
    private MonitoringEndpoint monitoring;

    @AfterEach
    void stop() {
        if (monitoring != null) {
            monitoring.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private void start(RelayAccess access) throws IOException {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLoopbackTargets(true)
                .withAccess(access));
        monitoring = MonitoringEndpoint.start(relay, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        InetSocketAddress address = monitoring.address();
        URI uri = URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The scraped samples, by name with labels as written ({@code name{label="value"}}). */
    private Map<String, Double> scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get(MonitoringEndpoint.METRICS_PATH);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** Scrapes until {@code condition} holds: the counters move on the relay's threads, after the client has its data. */
    private Map<String, Double> scrapeUntil(Predicate<Map<String, Double>> condition) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, Double> samples = scrape();
        while (!condition.test(samples) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            samples = scrape();
        }
        return samples;
    }

    private BindClient bind(BindClient.Listener listener) throws BindException {
        return BindClient.connect(relay.address(), Identity.generate(new SecureRandom()), null, listener, TIMEOUT);
    }

    @Test
    void healthzAnswers200WhileTheRelayListensAnd503OnceItHasStopped() throws Exception {
        start(RelayAccess.OPEN);
        HttpResponse<String> up = get(MonitoringEndpoint.HEALTH_PATH);
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("ok\n");

        relay.close();
        assertThat(get(MonitoringEndpoint.HEALTH_PATH).statusCode()).isEqualTo(503);
    }

    @Test
    void metricsStartAtZeroInThePrometheusTextFormat() throws Exception {
        start(RelayAccess.OPEN);
        HttpResponse<String> response = get(MonitoringEndpoint.METRICS_PATH);
        assertThat(response.body()).contains("# TYPE punchline_relay_sessions gauge",
                "# TYPE punchline_relay_sessions_opened_total counter",
                "# HELP punchline_relay_datagrams_dropped_total");
        Map<String, Double> samples = scrape();
        assertThat(samples).containsEntry("punchline_relay_sessions", 0.0)
                .containsEntry("punchline_relay_connections", 0.0)
                .containsEntry("punchline_relay_contexts", 0.0)
                .containsEntry("punchline_relay_mailbox_nameplates", 0.0)
                .containsEntry("punchline_relay_datagrams_forwarded_total{direction=\"to_target\"}", 0.0)
                .containsEntry("punchline_relay_datagrams_dropped_total{cause=\"send_queue_full\"}", 0.0)
                .containsEntry("punchline_relay_auth_failures_total{cause=\"bad_proof\"}", 0.0)
                .containsEntry("punchline_relay_requests_timed_out_total", 0.0)
                .containsEntry("punchline_relay_mailbox_requests_total", 0.0)
                .containsEntry("punchline_relay_store_unavailable_total", 0.0);
    }

    @Test
    void authenticatedBindsAndADatagramBetweenThemMoveTheSessionContextAndByteCounters() throws Exception {
        start(RelayAccess.OPEN);
        BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
        byte[] hello = "counted by the relay".getBytes(StandardCharsets.US_ASCII);
        try (BindClient a = bind((source, data, offset, length) -> { });
             BindClient b = bind((source, data, offset, length) ->
                     inbox.add(Arrays.copyOfRange(data, offset, offset + length)))) {
            a.send(b.publicAddresses().get(0), hello, 0, hello.length);
            assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo(hello);

            String toClientBytes = "punchline_relay_forwarded_bytes_total{direction=\"to_client\"}";
            Map<String, Double> samples = scrapeUntil(s -> s.getOrDefault(toClientBytes, 0.0) >= hello.length);
            assertThat(samples).containsEntry("punchline_relay_sessions", 2.0)
                    .containsEntry("punchline_relay_sessions_opened_total", 2.0)
                    .containsEntry("punchline_relay_connections", 2.0)
                    .containsEntry("punchline_relay_contexts", 2.0); // each bind's uncompressed context
            assertThat(samples.get("punchline_relay_datagrams_forwarded_total{direction=\"to_target\"}"))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(samples.get("punchline_relay_forwarded_bytes_total{direction=\"to_target\"}"))
                    .isGreaterThanOrEqualTo(hello.length);
            assertThat(samples.get("punchline_relay_datagrams_forwarded_total{direction=\"to_client\"}"))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(samples.get(toClientBytes)).isGreaterThanOrEqualTo(hello.length);
            assertThat(samples.get("punchline_relay_auth_failures_total{cause=\"unauthenticated_request\"}")).isZero();
        }
        Map<String, Double> after = scrapeUntil(s -> s.get("punchline_relay_sessions") == 0.0);
        assertThat(after).containsEntry("punchline_relay_sessions", 0.0)
                .containsEntry("punchline_relay_sessions_opened_total", 2.0);
    }

    @Test
    void aBindThatNeverAuthenticatedIsCountedAsAnAuthFailure() throws Exception {
        start(RelayAccess.OPEN);
        assertThatThrownBy(() -> BindClient.connect(relay.address().withoutRelayPeer(), null,
                (source, data, offset, length) -> { }, TIMEOUT)).isInstanceOf(BindException.class);
        String unauthenticated = "punchline_relay_auth_failures_total{cause=\"unauthenticated_request\"}";
        assertThat(scrapeUntil(s -> s.get(unauthenticated) >= 1.0).get(unauthenticated)).isGreaterThanOrEqualTo(1.0);
        assertThat(scrape()).containsEntry("punchline_relay_sessions_opened_total", 0.0);
    }

    @Test
    void otherPathsGet404AndOtherMethodsOnTheHealthCheck405() throws Exception {
        start(RelayAccess.OPEN);
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/healthz/more").statusCode()).isEqualTo(404);
        assertThat(rawStatusLine("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"))
                .startsWith("HTTP/1.1 405");
    }

    @Test
    void malformedRequestsGetA4xxAndTheEndpointKeepsServing() throws Exception {
        start(RelayAccess.OPEN);
        String[] malformed = {
                "GARBAGE\r\n\r\n",
                "GET\r\n\r\n",
                "GET /healthz HTTP/1.1\r\nno colon in this header\r\n\r\n",
                "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
                "\u0000\u0001\u0002\u00ff\r\n\r\n",
        };
        for (String request : malformed) {
            String status = rawStatusLine(request);
            assertThat(status).as("status line for %s", request.replace("\r\n", "\\r\\n"))
                    .matches("HTTP/1\\.1 4\\d\\d.*");
        }
        assertThat(get(MonitoringEndpoint.HEALTH_PATH).statusCode()).isEqualTo(200);
        assertThat(get(MonitoringEndpoint.METRICS_PATH).statusCode()).isEqualTo(200);
    }

    /** Sends {@code request} as raw bytes (ISO-8859-1) on a new TCP connection and reads the response's status line. */
    private String rawStatusLine(String request) throws IOException {
        InetSocketAddress address = monitoring.address();
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }
}
