package io.punchline.relay;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay's health and metrics on a local HTTP/1.1 port, for its operator (docs/RELAY.md): {@code GET /healthz} answers
 * 200 while the relay's QUIC endpoint is up, 503 otherwise; {@code GET /metrics} answers the {@link RelayMetrics} in
 * the Prometheus text exposition format (OpenMetrics when the scraper asks for it). Any other path gets 404.
 *
 * <p>Served by the Prometheus client's exporter on the JDK's {@code com.sun.net.httpserver}, which answers a malformed
 * request line or header with 400 itself; two threads at most, and a burst beyond its queue runs on the server's own
 * dispatcher thread rather than being dropped. Off unless asked for; {@code punchline relay --metrics} binds it to
 * loopback unless given another address.
 */
public final class MonitoringEndpoint implements AutoCloseable {

    /** The health check's path. */
    public static final String HEALTH_PATH = "/healthz";
    /** The metrics' path. */
    public static final String METRICS_PATH = "/metrics";

    private final HTTPServer server;
    private final InetSocketAddress address;

    private MonitoringEndpoint(HTTPServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /** Serves {@code relay}'s health and metrics on {@code address} (port 0: a free port) until closed. */
    public static MonitoringEndpoint start(RelayServer relay, InetSocketAddress address) throws IOException {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16),
                r -> {
                    Thread thread = new Thread(r, "relay-monitoring-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        HTTPServer server = HTTPServer.builder()
                .inetAddress(address.getAddress())
                .port(address.getPort())
                .executorService(executor)
                .registry(RelayMetrics.registryOf(relay))
                .metricsHandlerPath(METRICS_PATH)
                .registerHealthHandler(false)
                .defaultHandler(exchange -> serveHealth(relay, exchange))
                .buildAndStart();
        return new MonitoringEndpoint(server, new InetSocketAddress(address.getAddress(), server.getPort()));
    }

    /** The address it listens on, with the real port when 0 was asked for. */
    public InetSocketAddress address() {
        return address;
    }

    /** Every path but {@link #METRICS_PATH} arrives here: the health check, or 404. */
    private static void serveHealth(RelayServer relay, HttpExchange exchange) throws IOException {
        try {
            exchange.getRequestBody().readAllBytes();
            if (!HEALTH_PATH.equals(exchange.getRequestURI().getPath())) {
                respond(exchange, 404, "not found: try " + HEALTH_PATH + " or " + METRICS_PATH + "\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "GET or HEAD\n");
                return;
            }
            boolean up = relay.isListening();
            respond(exchange, up ? 200 : 503, up ? "ok\n" : "relay not listening\n");
        } finally {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
