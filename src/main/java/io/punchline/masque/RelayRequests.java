package io.punchline.masque;

import io.punchline.crypto.Identity;

import java.io.IOException;
import java.time.Duration;

/**
 * Plain HTTP/3 POST requests to a relay on a client's connection to it (authenticated when the connection is): what the
 * relay's mailbox and peer finding (docs/SECURITY.md section 7) run on. {@link BindClient#relayRequests()} gives the
 * ones of a bind's connection; {@link #open} makes a connection for requests only.
 */
public interface RelayRequests {

    /** Largest response body accepted. */
    int MAX_RESPONSE_BODY = 16 * 1024;

    /** A response: HTTP status and body. */
    record Response(int status, byte[] body) {
    }

    /** POSTs {@code body} to {@code path} and reads the whole response. */
    Response post(String path, byte[] body) throws IOException;

    /** A connection to {@code relay} for requests only (no bind), authenticated as {@code identity} unless null. */
    static Standalone open(RelayAddress relay, Identity identity, Duration timeout) throws BindException {
        return BindAttempt.setUp(relay, null, timeout, "relay authentication", connected -> {
            if (identity != null) {
                RelayAuthRequests.authenticate(connected.http3(), relay, identity);
            }
            return new Standalone(relay, connected);
        });
    }

    /** Requests over one HTTP/3 connection of {@code http3} to {@code relay}. */
    static RelayRequests over(RelayAddress relay, RelayHttp3Connection http3) {
        return (path, body) -> {
            RelayHttp3Connection.Response response =
                    http3.post(RelayAuthRequests.post(relay, path), body, MAX_RESPONSE_BODY);
            return new Response(response.status(), response.body());
        };
    }

    /** A relay connection that only carries requests; closing it closes the connection. */
    final class Standalone implements RelayRequests, AutoCloseable {
        private final RelayRequests requests;
        private final RelayConnector.Connected connected;

        private Standalone(RelayAddress relay, RelayConnector.Connected connected) {
            this.connected = connected;
            this.requests = over(relay, connected.http3());
        }

        @Override
        public Response post(String path, byte[] body) throws IOException {
            return requests.post(path, body);
        }

        @Override
        public void close() {
            connected.close();
        }
    }
}
