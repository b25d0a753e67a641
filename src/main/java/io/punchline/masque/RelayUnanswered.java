package io.punchline.masque;

import java.time.Duration;

/** A relay took the connection and did not answer its requests in time (what was asked is tried once more on a new one). */
final class RelayUnanswered extends BindException {

    RelayUnanswered(RelayAddress relay, Duration timeout, Throwable cause) {
        super("relay " + relay.authority() + " did not answer its requests within " + timeout.toSeconds()
                + " s", cause);
    }
}
