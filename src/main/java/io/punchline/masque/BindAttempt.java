package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.DatagramSocketFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * What a client sets up on a new relay connection before using it, all within the timeout: the QUIC connection, the
 * relay authentication and, for a bind ({@link BindClient#connect}), the bind request up to its registered context;
 * for plain requests ({@link RelayRequests#open}), the authentication alone. A relay that took the connection but
 * answered nothing on it within the timeout ({@link RelayUnanswered}) gets one more try on a new connection: seen with
 * kwik 0.10.8's server under load, where closing a connection failed inside kwik ("removedConnection is null") and a
 * new client's requests on that relay went unanswered until kwik's idle timeout (a test client waited 114 s for its
 * authentication answer with the machine at a load average of 250).
 */
final class BindAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(BindAttempt.class);

    /** The requests that make a fresh connection usable; what they give is closed if they finish too late. */
    interface Setup<T extends AutoCloseable> {
        T on(RelayConnector.Connected connected) throws IOException, WireFormatException, BindException;
    }

    private BindAttempt() {
    }

    static BindClient connect(RelayAddress relay, Identity identity, DatagramSocketFactory socketFactory,
                              BindClient.Listener listener, Duration timeout) throws BindException {
        return setUp(relay, socketFactory, timeout, "bind request", connected -> {
            RelayHttp3Connection http3 = connected.http3();
            if (identity != null) {
                RelayAuthRequests.authenticate(http3, relay, identity);
            }
            BindRequest request = BindRequest.send(http3, relay, identity != null);
            BindClient client = new BindClient(relay, connected, request.exchange(), request.publicAddresses(),
                    request.observedAddress(), request.kept(), listener);
            client.start(request.exchange().reader(), timeout);
            return client;
        });
    }

    /** Connects and runs {@code setup} within {@code timeout}, once more on a new connection if the relay was mute. */
    static <T extends AutoCloseable> T setUp(RelayAddress relay, DatagramSocketFactory socketFactory, Duration timeout,
                                             String what, Setup<T> setup) throws BindException {
        try {
            return once(relay, socketFactory, timeout, what, setup);
        } catch (RelayUnanswered e) {
            LOG.info("{}; trying a new connection", e.getMessage());
            return once(relay, socketFactory, timeout, what, setup);
        }
    }

    private static <T extends AutoCloseable> T once(RelayAddress relay, DatagramSocketFactory socketFactory,
                                                    Duration timeout, String what, Setup<T> setup) throws BindException {
        RelayConnector.Connected connected = RelayConnector.connect(relay, socketFactory, timeout);
        RelayConnector.Deadline deadline = connected.closeAfter(timeout); // the requests below wait for answers
        T result;
        try {
            result = setup.on(connected);
        } catch (IOException | WireFormatException | BindException e) {
            connected.close();
            if (!deadline.cancel()) {
                throw new RelayUnanswered(relay, timeout, e);
            }
            throw e instanceof BindException bind ? bind
                    : new BindException(what + " to relay " + relay.authority() + " failed: " + e.getMessage(), e);
        }
        if (!deadline.cancel()) {
            try {
                result.close();
            } catch (Exception ignored) {
                // the connection is closed already
            }
            throw new RelayUnanswered(relay, timeout, null);
        }
        return result;
    }
}
