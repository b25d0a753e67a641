package io.punchline.nat;

import java.net.InetSocketAddress;
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
}
