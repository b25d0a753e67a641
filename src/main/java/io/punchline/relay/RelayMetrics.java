package io.punchline.relay;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The relay's metrics as Prometheus metric families (docs/RELAY.md, "Metrics"), served by {@link MonitoringEndpoint}.
 * Every family is a callback: it reads the relay's own counters ({@link RelayStatistics}, {@link RelayTraffic}) and
 * gauges when scraped, so nothing is counted twice and the data path does not know about Prometheus.
 */
final class RelayMetrics {

    static final String PREFIX = "punchline_relay_";

    private RelayMetrics() {
    }

    /** A registry of its own (not the library's default one) holding every family of {@code relay}. */
    static PrometheusRegistry registryOf(RelayServer relay) {
        PrometheusRegistry registry = new PrometheusRegistry();
        gauge(registry, "connections", "Client QUIC connections open now.", relay, RelayServer::openConnections);
        gauge(registry, "sessions", "Requests open now (connect-udp-bind and CONNECT-UDP), each with a UDP socket.",
                relay, RelayServer::openSessions);
        gauge(registry, "contexts", "Contexts registered now in all open binds.", relay, RelayServer::openContexts);
        gauge(registry, "mailbox_nameplates", "Pairing nameplates open now in the mailbox (the fleet's, with a fleet "
                + "store; NaN while it is unreachable).", relay,
                r -> r.openNameplates() < 0 ? Double.NaN : r.openNameplates());
        gauge(registry, "send_queue_bytes", "Bytes queued now to send to clients, in all connections.", relay,
                r -> r.statistics().sendQueueBytes());
        gauge(registry, "busy_workers", "Worker threads busy now (request streams, control streams, open sessions).",
                relay, r -> r.statistics().busyWorkers());

        counter(registry, "sessions_opened", "Requests admitted and given a UDP socket.", relay,
                r -> r.traffic().sessionsOpened());
        CounterWithCallback.builder().name(PREFIX + "datagrams_forwarded")
                .help("Payloads forwarded: to_target left toward their target (UDP or another bind here), "
                        + "to_client were queued to a client's connection.")
                .labelNames("direction")
                .callback(callback -> {
                    RelayTraffic traffic = relay.traffic();
                    callback.call(traffic.datagramsToTarget(), "to_target");
                    callback.call(traffic.datagramsToClient(), "to_client");
                }).register(registry);
        CounterWithCallback.builder().name(PREFIX + "forwarded_bytes")
                .help("Payload bytes forwarded, by direction as in punchline_relay_datagrams_forwarded_total.")
                .labelNames("direction")
                .callback(callback -> {
                    RelayTraffic traffic = relay.traffic();
                    callback.call(traffic.bytesToTarget(), "to_target");
                    callback.call(traffic.bytesToClient(), "to_client");
                }).register(registry);
        CounterWithCallback.builder().name(PREFIX + "datagrams_dropped")
                .help("Payloads dropped, by cause (target_refused also counts requests for a refused target).")
                .labelNames("cause")
                .callback(callback -> {
                    RelayStatistics statistics = relay.statistics();
                    callback.call(statistics.targetsRefused(), "target_refused");
                    callback.call(statistics.sendQueueFull(), "send_queue_full");
                    callback.call(statistics.receiveQueueFull(), "receive_queue_full");
                    callback.call(statistics.rateLimited(), "rate_limited");
                }).register(registry);
        CounterWithCallback.builder().name(PREFIX + "auth_failures")
                .help("Failed relay authentications and unauthenticated requests, by cause.")
                .labelNames("cause")
                .callback(callback -> {
                    for (Map.Entry<AuthFailure, Long> failure : relay.statistics().authFailures().entrySet()) {
                        callback.call(failure.getValue(), failure.getKey().label());
                    }
                }).register(registry);
        counter(registry, "requests_refused", "Requests refused at admission: relay full, too many from one client "
                + "or PeerId, or outside an embedded relay's owner scope.", relay, r -> r.statistics().requestsRefused());
        counter(registry, "requests_timed_out", "Request streams that missed the request deadline (408 or reset).",
                relay, r -> r.statistics().requestsTimedOut());
        counter(registry, "streams_rejected_busy", "Streams refused because every worker thread was busy.", relay,
                r -> r.statistics().requestsRejectedBusy());
        counter(registry, "connections_refused", "QUIC connections closed at once: too many in all or from one client.",
                relay, r -> r.statistics().connectionsRefused());
        counter(registry, "store_unavailable", "Pairing and peer-finding requests answered 503 because the fleet's "
                + "shared store was unreachable.", relay, RelayServer::storeUnavailable);
        counter(registry, "mailbox_requests", "Pairing-mailbox and peer-finding requests served.", relay,
                r -> r.traffic().mailboxRequests());
        return registry;
    }

    private static void gauge(PrometheusRegistry registry, String name, String help, RelayServer relay,
                              ToDoubleFunction<RelayServer> value) {
        GaugeWithCallback.builder().name(PREFIX + name).help(help)
                .callback(callback -> callback.call(value.applyAsDouble(relay))).register(registry);
    }

    private static void counter(PrometheusRegistry registry, String name, String help, RelayServer relay,
                                ToDoubleFunction<RelayServer> value) {
        CounterWithCallback.builder().name(PREFIX + name).help(help)
                .callback(callback -> callback.call(value.applyAsDouble(relay))).register(registry);
    }
}
