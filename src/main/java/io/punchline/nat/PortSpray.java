package io.punchline.nat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The probes of the side whose NAT maps endpoint-independently toward a peer behind a port-dependent ("symmetric")
 * NAT (docs/ARCHITECTURE.md, "Hard NATs"): the peer has opened {@code ports} mappings toward this side's reflexive
 * address, each at a port its NAT chose, and this side probes the peer's public address at ports it has not tried yet
 * until one of them answers, the birthday-paradox way: with 256 mappings among the 64,512 ports above 1023, each probe
 * finds one with probability 1/252, 1,000 probes with 98 %, {@value #MAX_PROBES} with 99.97 %.
 *
 * <p>Order: where the peer's NAT allocates in sequence ({@link NatMapping.Behaviour#SEQUENTIAL}), the ports just above
 * its reflexive port first (its next allocations), then the rest at random without repeats. Pace:
 * {@value #PROBES_PER_TICK} probes every {@value #TICK_MILLIS} ms (1,000 a second, 33-byte probes: 33 kB/s), at most
 * {@value #MAX_PROBES}: about two seconds, then it gives up. No clock, no I/O; not thread-safe.
 */
final class PortSpray {

    static final int MAX_PROBES = 2048;
    static final int PROBES_PER_TICK = 20;
    static final long TICK_MILLIS = 20;
    static final int LOWEST_PORT = 1024;
    static final int HIGHEST_PORT = 65535;
    /** Predicted ports beyond the peer's opened ones, for allocations by other flows meanwhile. */
    static final int PREDICTION_SLACK = 64;

    private final InetAddress peer;
    private final RandomGenerator random;
    private final BitSet tried = new BitSet(HIGHEST_PORT + 1);
    private final List<Integer> predicted = new ArrayList<>();
    private int sent;
    private long nextMillis;

    /**
     * @param peerMapping the hard peer's NAT_MAPPING: its public address, and whether ports come in sequence
     * @param ports how many mappings the peer opened (its PORTS_OPEN)
     */
    PortSpray(NatMapping peerMapping, int ports, RandomGenerator random, long nowMillis) {
        this.peer = peerMapping.reflexive().getAddress();
        this.random = random;
        this.nextMillis = nowMillis;
        if (peerMapping.behaviour() == NatMapping.Behaviour.SEQUENTIAL) {
            int step = Math.max(1, peerMapping.portStep());
            int base = peerMapping.reflexive().getPort();
            for (int k = 1; k <= ports + PREDICTION_SLACK && predicted.size() < MAX_PROBES; k++) {
                int port = base + k * step;
                if (port > HIGHEST_PORT) {
                    break;
                }
                predicted.add(port);
            }
        }
    }

    /** The targets due by {@code nowMillis}: the next batch, or nothing before the next tick or once done. */
    List<InetSocketAddress> due(long nowMillis) {
        List<InetSocketAddress> targets = new ArrayList<>(PROBES_PER_TICK);
        if (done() || nowMillis < nextMillis) {
            return targets;
        }
        while (targets.size() < PROBES_PER_TICK && sent < MAX_PROBES) {
            targets.add(new InetSocketAddress(peer, nextPort()));
            sent++;
        }
        nextMillis = nowMillis + TICK_MILLIS;
        return targets;
    }

    /** When the next batch is due; {@link Long#MAX_VALUE} once every probe went out. */
    long nextDeadlineMillis() {
        return done() ? Long.MAX_VALUE : nextMillis;
    }

    boolean done() {
        return sent >= MAX_PROBES;
    }

    int sent() {
        return sent;
    }

    /** A predicted port not tried yet, else a random one not tried yet. */
    private int nextPort() {
        while (!predicted.isEmpty()) {
            int port = predicted.remove(0);
            if (!tried.get(port)) {
                tried.set(port);
                return port;
            }
        }
        int port;
        do {
            port = LOWEST_PORT + random.nextInt(HIGHEST_PORT - LOWEST_PORT + 1);
        } while (tried.get(port));
        tried.set(port);
        return port;
    }
}
