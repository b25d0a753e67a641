package io.punchline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.punchline.bench.LabProcess.Event;
import io.punchline.natlab.NatLab;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import static io.punchline.bench.LabProcess.named;

/**
 * One {@code punchline dial CONTACT --bytes N --json} from site a to the {@code listen} process on site b, and what its
 * events show: throughput and CPU on the path the stream ended on, and the time from the session's post-quantum
 * handshake to the switch to the direct path.
 *
 * <p>The data window starts at the dialler's first {@code transfer.progress} report on the path the stream ended on
 * (reports come every 500 ms; the stream starts on the relay and a direct session switches during it) and ends at its
 * {@code transfer.finished} (the listener has counted and hashed every byte and answered). MB/s is the bytes sent in
 * the window over the window's length by the dialler's own clock ({@code t}); CPU is the CPU time of both engine
 * processes read from {@code /proc} when each of those two events arrived. A stream with no report on its final path
 * (short, or switched in its last half second) is measured whole and says so.
 */
record DialRun(String path, double megabytesPerSecond, double cpuMillisPerMegabyte, long millisToDirect, String notes) {

    static DialRun run(NatLab nat, Path logs, LabProcess listener, String contact, String name, long bytes,
                       int lingerSeconds, Duration timeout) throws IOException, InterruptedException {
        LabProcess dial = LabBenchmark.punchline(nat, "a", name, logs, "dial", contact, "--json", "--bytes",
                Long.toString(bytes), "--linger", Integer.toString(lingerSeconds));
        LabBenchmark.group(dial, listener);
        boolean exited = dial.waitFor(timeout);
        if (!exited) {
            dial.stop();
            throw new IOException(name + " did not finish within " + timeout.toSeconds() + " s (see " + logs + "/" + name + ".*)");
        }
        dial.await(named("dial.done"), Duration.ofSeconds(2)); // the reader may still be behind the exit
        if (dial.process.exitValue() != 0) {
            throw new IOException(name + " failed, exit " + dial.process.exitValue() + " (see " + logs + "/" + name + ".*)");
        }
        return of(dial.events, bytes).orElseThrow(() -> new IOException(name + " printed no dial.done or transfer.finished"
                + " (see " + logs + "/" + name + ".*)"));
    }

    /** What a dialler's events show about a stream of {@code bytes}; empty without its end events. */
    static Optional<DialRun> of(List<Event> events, long bytes) {
        Event done = first(events, named("dial.done"));
        Event finished = first(events, node -> named("transfer.finished").test(node)
                && "test-send".equals(node.path("transfer").asText()));
        if (done == null || finished == null) {
            return Optional.empty();
        }
        String path = done.node().path("path").asText();
        Event opened = first(events, named("session.opened"));
        Event direct = first(events, node -> named("path.switched").test(node) && "direct".equals(node.path("path").asText()));
        long millisToDirect = opened != null && direct != null ? direct.t() - opened.t() : -1;

        Event first = first(events, node -> named("transfer.progress").test(node) && path.equals(node.path("path").asText())
                && "test-send".equals(node.path("transfer").asText()));
        long startBytes;
        long startT;
        long startCpu;
        String window;
        if (first != null && first.t() < finished.t()) {
            startBytes = first.node().path("bytes").asLong();
            startT = first.t();
            startCpu = first.cpuMillis();
            window = String.format(Locale.ROOT, "last %.0f of %.0f MB", (bytes - startBytes) / 1e6, bytes / 1e6);
        } else {
            startBytes = 0;
            startT = finished.t() - finished.node().path("millis").asLong();
            startCpu = opened != null ? opened.cpuMillis() : 0;
            window = "whole stream";
        }
        double megabytes = (bytes - startBytes) / 1e6;
        double seconds = Math.max(1, finished.t() - startT) / 1000.0;
        JsonNode summary = done.node();
        String notes = String.format(Locale.ROOT, "path %s; measured on the %s; relay %.1f MB, direct %.1f MB", path, window,
                summary.path("relayedBytes").asLong() / 1e6, summary.path("directBytes").asLong() / 1e6);
        return Optional.of(new DialRun(path, megabytes / seconds, (finished.cpuMillis() - startCpu) / megabytes,
                millisToDirect, notes));
    }

    private static Event first(List<Event> events, Predicate<JsonNode> filter) {
        return events.stream().filter(e -> filter.test(e.node())).findFirst().orElse(null);
    }
}
