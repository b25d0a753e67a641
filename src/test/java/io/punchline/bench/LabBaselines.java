package io.punchline.bench;

import io.punchline.bench.LabBenchTable.Row;
import io.punchline.bench.LabProcess.Event;
import io.punchline.natlab.NatLab;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.punchline.bench.LabProcess.named;

/**
 * The baselines of {@link LabBenchmark}, between the same two NATed hosts as the Punchline lines: the lab's raw UDP
 * ceiling and a plain kwik stream, each a pair of {@link LabNode} processes (site a sends to site b).
 */
final class LabBaselines {

    static final String UDP = "baseline: raw UDP, 1200-byte datagrams, unpaced";
    static final String KWIK = "baseline: plain kwik stream";
    private static final int UDP_PORT = 40_000;
    private static final int KWIK_PORT = 40_001;

    private LabBaselines() {
    }

    static Row udpCeiling(NatLab nat, Path logs, long bytes) throws Exception {
        return udpCeiling(nat, logs, bytes, UDP);
    }

    /** The same blaster as the row {@code name} (a shaped lab's own ceiling: its link shapers on the same cores). */
    static Row udpCeiling(NatLab nat, Path logs, long bytes, String name) throws Exception {
        LabProcess receiver = node(nat, logs, "b", "udp-recv", "udp-recv", UDP_PORT, nat.publicAddress("a").getHostAddress());
        LabProcess sender = node(nat, logs, "a", "udp-send", "udp-send", UDP_PORT, nat.publicAddress("b").getHostAddress(),
                bytes);
        LabBenchmark.group(sender, receiver);
        boolean done;
        try {
            done = sender.waitFor(Duration.ofSeconds(120)) && receiver.waitFor(Duration.ofSeconds(30));
        } finally {
            sender.stop();
            receiver.stop();
        }
        Event start = sender.first(named("bench.start"));
        Event sent = sender.first(named("udp.sent"));
        Event got = receiver.first(named("udp.received"));
        if (!done || start == null || sent == null || got == null) {
            throw new IOException("UDP blaster did not finish (see " + logs + "/udp-*)");
        }
        double megabytes = got.node().path("bytes").asLong() / 1e6;
        double rate = megabytes / (got.node().path("millis").asDouble() / 1000);
        double sendRate = sent.node().path("bytes").asLong() / 1e6 / (sent.node().path("millis").asDouble() / 1000);
        double loss = 1 - got.node().path("packets").asDouble() / sent.node().path("packets").asDouble();
        return new Row(name, rate, (got.cpuMillis() - start.cpuMillis()) / megabytes,
                -1, List.of(), String.format(Locale.ROOT, "received; sender sent at %.0f MB/s, %.1f%% lost", sendRate, loss * 100));
    }

    static Row plainKwik(NatLab nat, Path logs, long bytes) throws Exception {
        LabProcess server = node(nat, logs, "b", "kwik-server", "kwik-server", KWIK_PORT, nat.publicAddress("a").getHostAddress());
        LabProcess client = node(nat, logs, "a", "kwik-client", "kwik-client", KWIK_PORT,
                nat.publicAddress("b").getHostAddress(), bytes);
        LabBenchmark.group(client, server);
        try {
            boolean done = client.waitFor(LabBenchmark.transferTimeout(bytes * 11 / 10));
            Event start = client.first(named("bench.start"));
            Event end = client.first(named("kwik.done"));
            if (!done || start == null || end == null) {
                throw new IOException("plain kwik pair did not finish (see " + logs + "/kwik-*)");
            }
            double megabytes = bytes / 1e6;
            return new Row(KWIK, megabytes / (end.node().path("millis").asDouble() / 1000),
                    (end.cpuMillis() - start.cpuMillis()) / megabytes, -1, List.of(),
                    "kwik 0.10.8 client to server, no relay, no PQ layer; after a warm-up stream");
        } finally {
            server.stop();
            client.stop();
        }
    }

    private static LabProcess node(NatLab nat, Path logs, String target, String name, String mode, int port, String peer,
                                   long... bytes) throws IOException {
        List<String> args = new ArrayList<>(List.of(mode, Integer.toString(port), peer));
        for (long b : bytes) {
            args.add(Long.toString(b));
        }
        return LabProcess.start(nat, target, name, logs, Map.of(), LabNode.class.getName(), args);
    }
}
