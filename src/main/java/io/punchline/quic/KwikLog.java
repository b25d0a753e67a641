package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.agent15.TlsProtocolException;
import tech.kwik.core.log.BaseLogger;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * kwik's log, as far as it reports failures, in the application's log (logger {@code tech.kwik}).
 *
 * <p>kwik reports a connection it gives up on only through its logger: an exception in a server connection's receiver
 * or sender thread "aborts" the connection without closing it, so the client hears nothing more and the relay's
 * listener is never told ({@link LossDelayFloor} has the case that was found this way). With kwik's {@code NullLogger} such a failure left no trace but a request that was never answered. kwik's
 * other categories (packets, recovery, congestion control, stats) stay off: they are per packet.
 *
 * <p>A failure kwik reports with an exception that is neither an I/O error nor a TLS alert (a bug: an aborted
 * connection, a runtime exception in the receive loop or the loss-detection timer, an assertion) is logged at ERROR,
 * with its stack. An I/O error (the socket closed under a connection that is ending, a send the network refused) or a
 * failed TLS handshake (a relay that is not the pinned one) ends the connection, and the application hears of it from
 * the connection's end and says so itself: DEBUG. So is a failure kwik only describes (a packet it could not decrypt or
 * parse, a peer's flow-control violation), which a peer can cause at will.
 */
public final class KwikLog extends BaseLogger {

    private static final Logger LOG = LoggerFactory.getLogger("tech.kwik");

    @Override
    protected void log(String message) {
        LOG.debug("{}", message);
    }

    @Override
    protected void log(String message, Throwable ex) {
        if (ex instanceof IOException || ex instanceof TlsProtocolException) {
            LOG.debug("{}", message);
        } else {
            LOG.error("{}", message, ex);
        }
    }

    @Override
    protected void logWithHexDump(String message, byte[] data, int length) {
        LOG.trace("{} ({} bytes)", message, length);
    }

    @Override
    protected void logWithHexDump(String message, ByteBuffer data, int offset, int length) {
        LOG.trace("{} ({} bytes)", message, length);
    }
}
