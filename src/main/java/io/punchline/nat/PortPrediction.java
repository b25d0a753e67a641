package io.punchline.nat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the side ports of two sides behind sequential allocators send (docs/ARCHITECTURE.md, "Hard NATs", both sides
 * sequential): each side opens {@value #PORTS} side ports and sends from port {@code i} to the port the peer's NAT will
 * give the peer's port {@code i}. A NAT of {@link NatMapping.Behaviour#SEQUENTIAL} allocates the next port (its last
 * one plus the step) for every new flow, so when both sides start their side ports' flows in index order, the peer's
 * port {@code i} is mapped at {@code P + (k + i) * step}, {@code P} its reflexive port and {@code k} the flows its NAT
 * allocated since that observation, counted from 1. Pair {@code i} of one side then matches pair {@code i} of the
 * other: each sends from the very address the other's mapping was opened toward.
 *
 * <p>Neither side knows how many flows the peer's NAT (or its own) allocated between the observation and the side
 * ports (ordinary punch rounds, other hosts behind the NAT): the client guesses {@code k = 1} on every port, the server
 * skews port {@code j} by {@code j mod }{@value #SKEW}: with {@code d} extra flows on the client's NAT and {@code e}
 * on the server's, the client's port {@code j + e} and the server's port {@code j} match where
 * {@code j mod }{@value #SKEW}{@code  = d + e}, so up to {@value #SKEW}{@code  - 1} extra flows in all still leave
 * {@value #PORTS}{@code  / }{@value #SKEW} matching pairs. Ports beyond 65535 are left out (a NAT that wraps its range
 * is not followed). No I/O.
 */
final class PortPrediction {

    /** Side ports per side. */
    static final int PORTS = 64;
    /** The server's skew cycle: how many extra flows, on both NATs together, the pairs still meet through. */
    static final int SKEW = 4;

    private PortPrediction() {
    }

    /** Whether both mappings allocate in sequence, so each side can predict the other's next ports. */
    static boolean applies(NatMapping own, NatMapping peer) {
        return own != null && peer != null && own.behaviour() == NatMapping.Behaviour.SEQUENTIAL
                && peer.behaviour() == NatMapping.Behaviour.SEQUENTIAL;
    }

    /**
     * The targets of this side's side ports, in the order their flows must start: element {@code i} is what port
     * {@code i} sends to, the peer's predicted mapping of its own port {@code i}.
     */
    static List<InetSocketAddress> targets(NatMapping peer, boolean client) {
        int step = Math.max(1, peer.portStep());
        int base = peer.reflexive().getPort();
        List<InetSocketAddress> targets = new ArrayList<>(PORTS);
        for (int i = 0; i < PORTS; i++) {
            long port = base + (1L + i + (client ? 0 : i % SKEW)) * step;
            if (port > PortSpray.HIGHEST_PORT) {
                break;
            }
            targets.add(new InetSocketAddress(peer.reflexive().getAddress(), (int) port));
        }
        return targets;
    }

    /** The targets as a text for the events: the address and the range of ports. */
    static String describe(List<InetSocketAddress> targets, NatMapping peer) {
        if (targets.isEmpty()) {
            return peer.reflexive().getAddress().getHostAddress();
        }
        int low = targets.stream().mapToInt(InetSocketAddress::getPort).min().orElseThrow();
        int high = targets.stream().mapToInt(InetSocketAddress::getPort).max().orElseThrow();
        return peer.reflexive().getAddress().getHostAddress() + " ports " + low + "-" + high
                + " (sequential from " + peer.reflexive().getPort() + ", step " + Math.max(1, peer.portStep()) + ")";
    }
}
