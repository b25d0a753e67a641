package io.punchline.masque;

/**
 * draft-ietf-masque-connect-udp-listen-13, "Security Considerations": an endpoint MUST bound the COMPRESSION_ACK and
 * COMPRESSION_CLOSE responses it has buffered but not yet written (the peer may stop reading), and the proxy MUST abort
 * the request stream when that bound is reached. Thrown by {@link ContextRegistry} when a registration arrives while
 * the bound is reached; the caller aborts the request stream.
 */
public final class ReplyBacklogExceededException extends Exception {

    public ReplyBacklogExceededException(String message) {
        super(message);
    }
}
