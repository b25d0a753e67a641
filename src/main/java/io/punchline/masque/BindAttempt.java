package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.DatagramSocketFactory;
import tech.kwik.core.QuicClientConnection;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * One bind on a relay, from connection to registered context ({@link BindClient#connect}): the QUIC connection, the
 * relay authentication and the bind request, all within the timeout. A relay that took the connection but answered
 * nothing on it within the timeout ({@link RelayUnanswered}) gets one more try on a new connection: seen with kwik
 * 0.10.8's server under load, where closing a connection failed inside kwik ("removedConnection is null") and a new
 * client's requests on that relay went unanswered until kwik's idle timeout.
 */
final class BindAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(BindAttempt.class);

    private BindAttempt() {
    }

    static BindClient connect(RelayAddress relay, Identity identity, DatagramSocketFactory socketFactory,
                              BindClient.Listener listener, Duration timeout) throws BindException {
        try {
            return attempt(relay, identity, socketFactory, listener, timeout);
        } catch (RelayUnanswered e) {
            LOG.info("{}; trying a new connection", e.getMessage());
            return attempt(relay, identity, socketFactory, listener, timeout);
        }
    }

    private static BindClient attempt(RelayAddress relay, Identity identity, DatagramSocketFactory socketFactory,
                                      BindClient.Listener listener, Duration timeout) throws BindException {
        RelayConnector.Connected connected = RelayConnector.connect(relay, socketFactory, timeout);
        QuicClientConnection quic = connected.quic();
        ExecutorService executor = connected.executor();
        RelayHttp3Connection http3 = connected.http3();
        RelayConnector.Deadline deadline = connected.closeAfter(timeout); // the requests below wait for answers
        try {
            if (identity != null) {
                RelayAuthRequests.authenticate(http3, relay, identity);
            }
            BindRequest request = BindRequest.send(http3, relay, identity != null);
            BindClient client = new BindClient(relay, quic, http3, executor, request.exchange(),
                    request.publicAddresses(), listener);
            client.start(request.exchange().reader(), timeout);
            if (!deadline.cancel()) {
                client.close();
                throw new RelayUnanswered(relay, timeout, null);
            }
            return client;
        } catch (IOException | WireFormatException | BindException e) {
            connected.close();
            if (!deadline.cancel()) {
                throw new RelayUnanswered(relay, timeout, e);
            }
            throw e instanceof BindException bind ? bind
                    : new BindException("bind request to relay " + relay.authority() + " failed: " + e.getMessage(), e);
        }
    }
}
