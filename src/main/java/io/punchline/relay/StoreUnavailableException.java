package io.punchline.relay;

/**
 * The fleet's shared store (Redis) did not answer in time or refused the command: the request that needed it is
 * answered 503 with a {@code proxy-status} that says so (docs/RELAY.md "A fleet"), never left waiting.
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
