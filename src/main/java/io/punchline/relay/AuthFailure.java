package io.punchline.relay;

/**
 * Why a client failed relay authentication (docs/SECURITY.md section 6.4), as counted in {@link RelayStatistics} and
 * exported by {@link RelayMetrics} under the label {@code cause}.
 */
public enum AuthFailure {
    /** A proof body that does not decode (400). */
    MALFORMED_PROOF("malformed_proof"),
    /** A proof on a connection with no outstanding challenge (403). */
    NO_CHALLENGE("no_challenge"),
    /** A proof whose signature or binding does not verify (403). */
    BAD_PROOF("bad_proof"),
    /** A verified PeerId that the allow list does not name (403). */
    NOT_ALLOWED("not_allowed"),
    /** A challenge beyond the per-client limit per minute (429). */
    TOO_MANY_CHALLENGES("too_many_challenges"),
    /** A CONNECT on a connection that never authenticated, on a relay that serves no anonymous clients (401). */
    UNAUTHENTICATED_REQUEST("unauthenticated_request");

    private final String label;

    AuthFailure(String label) {
        this.label = label;
    }

    /** The cause's name in metrics. */
    public String label() {
        return label;
    }
}
