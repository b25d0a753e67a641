package io.punchline.ui.model;

import java.util.Locale;

/**
 * Where a candidate stands, derived from the events: {@code candidate.added} (NEW), a {@code punch.started} pair that
 * names it (PUNCHING), {@code path.validated} or a validated round (VALIDATED), a failed round that tried it (FAILED).
 * Relay candidates carry the session from its first packet and start VALIDATED.
 */
public enum CandidateState {
    NEW, PUNCHING, VALIDATED, FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
