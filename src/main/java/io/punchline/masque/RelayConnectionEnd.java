package io.punchline.masque;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import tech.kwik.core.ConnectionListener;
import tech.kwik.core.ConnectionTerminatedEvent;

/**
 * How a client's connection to a relay ended, if it has (kwik's termination event), so that a refused bind says what
 * the relay said: a relay at its connection cap closes with H3_EXCESSIVE_LOAD (RFC 9114 section 8.1), which the
 * client reports as "relay busy" instead of as a relay without extended CONNECT.
 */
final class RelayConnectionEnd implements ConnectionListener {

    private volatile ConnectionTerminatedEvent event;
    private final List<Runnable> whenEnded = new CopyOnWriteArrayList<>();

    @Override
    public void disconnected(ConnectionTerminatedEvent terminated) {
        event = terminated;
        whenEnded.forEach(this::runOnce);
    }

    /** Runs {@code action} once when the connection ends, at once if it has already; on kwik's callback thread. */
    void whenEnded(Runnable action) {
        whenEnded.add(action);
        if (event != null) {
            runOnce(action);
        }
    }

    private void runOnce(Runnable action) {
        if (whenEnded.remove(action)) {
            action.run();
        }
    }

    boolean ended() {
        return event != null;
    }

    /** Whether the relay closed the connection because it is loaded (H3_EXCESSIVE_LOAD). */
    boolean relayBusy() {
        ConnectionTerminatedEvent ended = event;
        return ended != null && ended.closedByPeer() && ended.hasApplicationError()
                && ended.applicationErrorCode() == Http3ErrorCodes.H3_EXCESSIVE_LOAD;
    }

    /**
     * Why this side closed the connection with an error (kwik's description, e.g. a certificate that is not the pinned
     * one: "Transport error: CRYPTO_ERROR (bad_certificate)"), or null when it did not.
     */
    String closedHereBecause() {
        ConnectionTerminatedEvent ended = event;
        if (ended == null || ended.closedByPeer() || !ended.hasError()) {
            return null;
        }
        return ended.errorDescription();
    }

    /** What the relay said when it closed the connection, e.g. {@code "error 0x107: too many connections"}. */
    String relayReason() {
        ConnectionTerminatedEvent ended = event;
        if (ended == null) {
            return "still open";
        }
        if (!ended.closedByPeer()) {
            return "closed on this side (" + ended.closeReason() + ")";
        }
        Long code = ended.hasApplicationError() ? ended.applicationErrorCode() : ended.transportErrorCode();
        String description = ended.errorDescription() == null || ended.errorDescription().isEmpty()
                ? "" : ": " + ended.errorDescription();
        return code == null ? "closed by the relay" + description
                : "closed by the relay with error 0x" + Long.toHexString(code) + description;
    }
}
