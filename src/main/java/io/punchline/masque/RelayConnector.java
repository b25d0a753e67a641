package io.punchline.masque;

import io.punchline.quic.AckPingLoopGuard;
import io.punchline.quic.CongestionControllerSwap;
import io.punchline.quic.ConnectionCallbacks;
import io.punchline.quic.InOrderSendQueue;
import io.punchline.quic.KwikLog;
import io.punchline.quic.LossDelayFloor;
import io.punchline.tls.PinningTrustManager;
import tech.kwik.core.DatagramSocketFactory;
import tech.kwik.core.QuicClientConnection;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens a client's HTTP/3 connection to a relay: kwik with the QUIC datagram extension, the relay's certificate pinned
 * by fingerprint (no CA, no host name), flupke on top with H3_DATAGRAM in SETTINGS, and a check that the relay's
 * SETTINGS allow extended CONNECT and HTTP datagrams (RFC 9220, RFC 9297 section 2.1.1).
 */
final class RelayConnector {

    static {
        // we check the certificate ourselves, by pin; kwik would print a warning to standard output for every connection
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
    }

    /** @param end how the connection ended, once it has */
    record Connected(QuicClientConnection quic, RelayHttp3Connection http3, ExecutorService executor,
                     RelayConnectionEnd end) {
        void close() {
            quic.close();
            executor.shutdownNow();
        }

        /**
         * Closes this connection in {@code timeout} unless cancelled first: requests that wait for a relay's answer
         * then fail instead of waiting as long as kwik keeps an unanswered connection open.
         */
        Deadline closeAfter(Duration timeout) {
            AtomicBoolean expired = new AtomicBoolean();
            ScheduledFuture<?> task = DEADLINES.schedule(() -> {
                expired.set(true);
                close();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            return () -> {
                task.cancel(false);
                return !expired.get();
            };
        }
    }

    /** A pending {@link Connected#closeAfter}. */
    interface Deadline {
        /** Cancels it; returns false when it had already expired and closed the connection. */
        boolean cancel();
    }

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "relay-request-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    /** How long a client waits for the relay's SETTINGS once connected: flupke's own wait. */
    static final Duration SETTINGS_WAIT = Duration.ofSeconds(10);
    /** At most this long for kwik's callback thread to deliver an event already emitted (normally microseconds). */
    private static final Duration CALLBACKS_WAIT = Duration.ofSeconds(1);

    private RelayConnector() {
    }

    static Connected connect(RelayAddress relay, DatagramSocketFactory socketFactory, Duration timeout)
            throws BindException {
        QuicClientConnection.Builder builder = QuicClientConnection.newBuilder()
                .uri(URI.create("https://" + relay.authority()))
                .applicationProtocol("h3")
                .connectionIdLength(8)
                .connectTimeout(timeout)
                .maxIdleTimeout(Duration.ofSeconds(60))
                .noServerCertificateCheck()
                .customTrustManager(new PinningTrustManager(relay.fingerprint()))
                .enableDatagramExtension()
                .logger(new KwikLog());
        if (socketFactory != null) {
            builder.socketFactory(socketFactory);
        }
        QuicClientConnection quic;
        try {
            quic = builder.build();
        } catch (IOException e) {
            throw new BindException("cannot reach relay " + relay.authority() + ": " + e.getMessage(), e);
        }
        if (socketFactory instanceof ClientSocketFactory aware) {
            aware.connectionBuilt(quic);
        }
        RelayConnectionEnd end = new RelayConnectionEnd();
        quic.setConnectionListener(end);
        CongestionControllerSwap.apply(quic);
        InOrderSendQueue.apply(quic);
        AckPingLoopGuard.apply(quic);
        LossDelayFloor.apply(quic);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "relay-client-" + relay.authority());
            thread.setDaemon(true);
            return thread;
        });
        Connected connected = new Connected(quic, new RelayHttp3Connection(quic, executor), executor, end);
        try {
            connected.http3().connect();
        } catch (IOException e) {
            // the relay's close may have made connect() fail before kwik delivered the event that says why
            ConnectionCallbacks.awaitDelivered(quic, CALLBACKS_WAIT);
            boolean busy = end.relayBusy();
            String refusedHere = end.closedHereBecause();
            connected.close();
            if (busy) {
                throw new BindException(busy(relay, end), e);
            }
            if (refusedHere != null) {
                // this side ended the handshake (a certificate that is not the pinned one); kwik's connect() returns
                // only after the closing period, which on a loaded machine can outlast its timeout
                throw new BindException("cannot connect to relay " + relay.authority() + " (not the relay with "
                        + "fingerprint " + relay.fingerprint() + "?): the handshake failed: " + refusedHere, e);
            }
            if (handshakeTimedOut(e)) {
                // kwik gave up waiting for the handshake: a relay too busy to answer looks like an unreachable one
                throw new BindException("relay " + relay.authority() + " did not complete the QUIC handshake within "
                        + timeout.toSeconds() + " s (unreachable, or busy?)", e);
            }
            throw new BindException("cannot connect to relay " + relay.authority() + " (unreachable, or not the relay "
                    + "with fingerprint " + relay.fingerprint() + "): " + e.getMessage(), e);
        }
        // kwik 0.10.8 pings every half idle timeout only for the first N seconds of keepAlive(N): for the life of the
        // connection, so a client waiting on a long request (a pairing mailbox, a bind at rest) is not idled out
        try {
            quic.keepAlive(Integer.MAX_VALUE);
        } catch (IllegalStateException closedMeanwhile) {
            // the relay closed the connection right after the handshake (at its connection cap): reported below
        }
        RelayHttp3Connection.RelaySettings settings = connected.http3().awaitRelaySettings(SETTINGS_WAIT, end);
        if (settings != RelayHttp3Connection.RelaySettings.MASQUE) {
            connected.close();
            throw new BindException(switch (settings) {
                case NO_EXTENDED_CONNECT -> "relay " + relay.authority()
                        + "'s SETTINGS lack extended CONNECT with HTTP datagrams (not a MASQUE relay)";
                case CONNECTION_ENDED -> end.relayBusy() ? busy(relay, end)
                        : "relay " + relay.authority() + " ended the connection before its SETTINGS (" + end.relayReason() + ")";
                default -> "relay " + relay.authority() + " did not answer in time (busy?): no HTTP/3 SETTINGS within "
                        + SETTINGS_WAIT.toSeconds() + " s";
            });
        }
        return connected;
    }

    /**
     * Whether kwik's {@code connect()} failed for want of an answer within its timeout ("Connection timed out after N
     * ms"), not for a handshake that failed, however long that took on a loaded machine (a pin mismatch).
     */
    static boolean handshakeTimedOut(IOException e) {
        return e instanceof ConnectException && e.getMessage() != null && e.getMessage().startsWith("Connection timed out");
    }

    private static String busy(RelayAddress relay, RelayConnectionEnd end) {
        return "relay busy: " + relay.authority() + " refused the connection (" + end.relayReason() + ")";
    }

    /** Pseudo-header fields of an extended CONNECT for {@code connect-udp} (RFC 9298 section 3.4). */
    static Map<String, String> connectUdp(RelayAddress relay, String path) {
        Map<String, String> pseudo = new LinkedHashMap<>();
        pseudo.put(":method", "CONNECT");
        pseudo.put(":protocol", "connect-udp");
        pseudo.put(":scheme", "https");
        pseudo.put(":authority", relay.authority());
        pseudo.put(":path", path);
        return pseudo;
    }
}
