package io.punchline.nat;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the server does about one PUNCH_ME_NOW ({@link PunchResponder}): stop probing {@code cancelled} (the targets of
 * an older round, draft-seemann-quic-nat-traversal-02: a higher Round "immediately cancels all in-progress probes"),
 * then, when {@code outcome} is {@link Outcome#PROBE}, start path validation toward {@code target}.
 */
public record PunchResponse(Outcome outcome, long round, InetSocketAddress target, List<InetSocketAddress> cancelled) {

    public enum Outcome {
        /** Start probing {@code target}. */
        PROBE,
        /** The frame's Round is older than the current one: nothing to do. */
        STALE_ROUND,
        /** The current round already probes this client address (another pair with the same client candidate). */
        ALREADY_PROBING,
        /** The address is wildcard, multicast, broadcast or port 0: probing it could only hit bystanders. */
        UNUSABLE_TARGET
    }

    public PunchResponse {
        cancelled = List.copyOf(cancelled);
    }

    public boolean startsProbe() {
        return outcome == Outcome.PROBE;
    }
}
