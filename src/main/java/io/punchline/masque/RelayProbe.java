package io.punchline.masque;

import tech.kwik.core.Statistics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How near each relay of a fleet is: a QUIC handshake with each, in parallel, its certificate pinned, up to the relay's
 * HTTP/3 SETTINGS; the round-trip time is kwik's estimate after it (the smaller of its smoothed RTT and the latest
 * sample: acknowledged packets, not the time the cryptography took, though the first sample includes the relay's work
 * on the client's first flight). A relay that does not answer within the timeout, or fails the pin, is unreachable.
 */
public final class RelayProbe {

    /** One relay's answer: its RTT in milliseconds, or -1 and why it is unreachable. */
    public record Result(RelayAddress relay, int rttMillis, String problem) {
        public boolean reachable() {
            return problem == null;
        }
    }

    private RelayProbe() {
    }

    /** Measures every relay at once; returns in the order given, within {@code timeout} (and a little). */
    public static List<Result> measure(List<RelayAddress> relays, Duration timeout) {
        ExecutorService pool = Executors.newFixedThreadPool(relays.size(), r -> {
            Thread thread = new Thread(r, "relay-probe");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Result>> running = new ArrayList<>();
            for (RelayAddress relay : relays) {
                running.add(pool.submit(() -> once(relay, timeout)));
            }
            long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < relays.size(); i++) {
                results.add(await(running.get(i), relays.get(i), timeout, deadline));
            }
            return results;
        } finally {
            pool.shutdown(); // a straggler closes its own connection when it ends
        }
    }

    private static Result await(Future<Result> probe, RelayAddress relay, Duration timeout, long deadline) {
        try {
            return probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return new Result(relay, -1, "did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Result(relay, -1, String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(relay, -1, "interrupted");
        }
    }

    private static Result once(RelayAddress relay, Duration timeout) {
        try {
            RelayConnector.Connected connected = RelayConnector.connect(relay, null, timeout);
            try {
                Statistics stats = connected.quic().getStats();
                int latest = stats.latestRtt();
                return new Result(relay, Math.max(0, latest > 0 ? Math.min(latest, stats.smoothedRtt()) : stats.smoothedRtt()), null);
            } finally {
                connected.close();
            }
        } catch (BindException e) {
            return new Result(relay, -1, e.getMessage());
        }
    }
}
