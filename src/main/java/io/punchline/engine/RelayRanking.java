package io.punchline.engine;

import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayFleet;
import io.punchline.masque.RelayProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which an engine tries the relays of its fleet: those that answered the measurement ({@link RelayProbe})
 * nearest first, then those that did not (tried last, in case they answer later). One relay is not measured.
 *
 * @param order       every relay of the fleet, in the order to try them
 * @param rtts        the measured ones, nearest first
 * @param unreachable the ones that did not answer, and why
 */
record RelayRanking(List<RelayAddress> order, List<RelayRtt> rtts,
                    List<RelayUnreachable> unreachable) {

    /** How long the measurement waits for a relay's handshake, at most. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final Logger LOG = LoggerFactory.getLogger(RelayRanking.class);

    RelayRanking {
        order = List.copyOf(order);
        rtts = List.copyOf(rtts);
        unreachable = List.copyOf(unreachable);
    }

    /** Measures the relays of {@code fleet} in parallel, each within {@code timeout} or {@link #PROBE_TIMEOUT}. */
    static RelayRanking of(RelayFleet fleet, Duration timeout) {
        if (fleet.size() == 1) {
            return new RelayRanking(fleet.relays(), List.of(), List.of());
        }
        Duration wait = timeout.compareTo(PROBE_TIMEOUT) < 0 ? timeout : PROBE_TIMEOUT;
        List<RelayProbe.Result> results = new ArrayList<>(RelayProbe.measure(fleet.relays(), wait));
        results.sort(Comparator.comparing((RelayProbe.Result r) -> !r.reachable()).thenComparingInt(RelayProbe.Result::rttMillis));
        List<RelayAddress> order = new ArrayList<>();
        List<RelayRtt> rtts = new ArrayList<>();
        List<RelayUnreachable> unreachable = new ArrayList<>();
        for (RelayProbe.Result result : results) {
            order.add(result.relay());
            if (result.reachable()) {
                rtts.add(new RelayRtt(result.relay().toString(), result.rttMillis()));
            } else {
                LOG.warn("relay {} of the fleet is skipped: {}", result.relay().authority(), result.problem());
                unreachable.add(new RelayUnreachable(result.relay().toString(), result.problem()));
            }
        }
        return new RelayRanking(order, rtts, unreachable);
    }

    boolean isFleet() {
        return order.size() > 1;
    }

    /** Where to go when the bind on {@code lost} ended: the relays after it in this order, wrapping, then {@code lost}. */
    List<RelayAddress> after(RelayAddress lost) {
        int at = Math.max(0, order.indexOf(lost));
        List<RelayAddress> next = new ArrayList<>(order.subList(at + 1, order.size()));
        next.addAll(order.subList(0, at + 1));
        return next;
    }

    /** {@code relay.chosen} for a bind on {@code bound}: the fail-over relay is the next one in this order. */
    EngineEvent.RelayChosen chosen(RelayAddress bound) {
        RelayAddress fallback = after(bound).get(0);
        return new EngineEvent.RelayChosen(bound.toString(), fallback.equals(bound) ? null : fallback.toString(),
                rtts, unreachable);
    }
}
