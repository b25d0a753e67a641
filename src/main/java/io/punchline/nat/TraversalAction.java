package io.punchline.nat;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;

/**
 * What {@link Traversal} asks its caller to do, in the order returned: send on the control stream or the socket, route
 * the peer's traffic, or report a step (the engine turns reports into its events, names and fields unchanged). Carried
 * out outside any lock; none of them needs the traversal's state.
 */
public sealed interface TraversalAction {

    /** Write these messages on the control stream as one record, so the peer reads them together. */
    record SendControl(List<TraversalMessage> messages) implements TraversalAction {
        public SendControl {
            messages = List.copyOf(messages);
        }
    }

    /** Send this probe from the engine socket to {@code target} (encoded with the session's probe key). */
    record SendProbe(PathProbe probe, InetSocketAddress target) implements TraversalAction {
    }

    /** Accept the peer's datagrams from {@code source} as the session's, before or after a switch. */
    record AcceptFrom(InetSocketAddress source) implements TraversalAction {
    }

    /** Send the peer's traffic straight to {@code path} from now on; reported as a switch to the direct path. */
    record UseDirect(InetSocketAddress path) implements TraversalAction {
    }

    /** Send the peer's traffic through the relay again: {@code lost} stopped answering; reported as a fallback. */
    record UseRelay(InetSocketAddress lost, String reason) implements TraversalAction {
    }

    /**
     * A candidate of this side ({@code local}) or the peer. {@code type} is its RFC 8839 candidate-type token: "host",
     * "srflx", "prflx" (RFC 8445 section 7.3.1.3) or "relay" (the bind address at the relay).
     */
    record CandidateAdded(boolean local, String type, InetSocketAddress address) implements TraversalAction {
    }

    /** The peer withdrew a candidate (REMOVE_ADDRESS). */
    record CandidateRemoved(boolean local, InetSocketAddress address) implements TraversalAction {
    }

    /**
     * A probing round began: on the client its pairs as "local->remote", on the server the client address the
     * PUNCH_ME_NOW named.
     */
    record RoundStarted(long round, List<String> pairs) implements TraversalAction {
        public RoundStarted {
            pairs = List.copyOf(pairs);
        }
    }

    /** A round ended: {@code validated} with the path it validated, else failed ({@code path} null). */
    record RoundFinished(long round, boolean validated, InetSocketAddress path) implements TraversalAction {
    }

    /** A challenge to {@code path} was answered after {@code rttMillis}. */
    record PathValidated(InetSocketAddress path, long rttMillis) implements TraversalAction {
    }

    /**
     * Open one socket beside the engine socket per element of {@code targets} and send {@code opener} (encoded with the
     * session's probe key) from socket {@code i} to {@code targets.get(i)}, the first packets in index order, so this
     * side's port-dependent NAT holds that many mappings toward the peer, allocated in that order
     * (docs/ARCHITECTURE.md, "Hard NATs"). A peer's authenticated probe arriving on one of them ties the peer's address
     * to that socket: what goes to the address afterwards, probes and the session's packets, leaves from it.
     */
    record OpenPorts(List<InetSocketAddress> targets, PathProbe opener) implements TraversalAction {
        public OpenPorts {
            targets = List.copyOf(targets);
        }

        /** {@code count} sockets all sending toward one address (a peer whose NAT maps endpoint-independently). */
        static OpenPorts toward(int count, InetSocketAddress toward, PathProbe opener) {
            return new OpenPorts(Collections.nCopies(count, toward), opener);
        }

        public int count() {
            return targets.size();
        }
    }

    /** Send {@code probe} again from every socket {@link OpenPorts} opened, each to its own target. */
    record ResendPorts(PathProbe probe) implements TraversalAction {
    }

    /** Close the sockets {@link OpenPorts} opened, except one a validated path uses when {@code keepInUse}. */
    record ClosePorts(boolean keepInUse) implements TraversalAction {
    }

    /** Hard-NAT punching began: this side opened {@code count} ports toward {@code target}, or probes that many. */
    record SprayStarted(SprayRole role, int count, String target) implements TraversalAction {
    }

    /** Hard-NAT punching ended: {@code hit} the address that answered (or null), after {@code sent} probes or ports. */
    record SprayFinished(SprayRole role, SprayOutcome outcome, int sent, InetSocketAddress hit) implements TraversalAction {
    }

    /**
     * The sides of hard-NAT punching: the hard side opens ports, the easy side probes for them; with both NATs
     * allocating in sequence, each side opens ports toward the other's predicted ones.
     */
    enum SprayRole { PORTS, PROBES, PREDICTED }

    /** How hard-NAT punching ended. */
    enum SprayOutcome { HIT, EXHAUSTED, CANCELLED }
}
