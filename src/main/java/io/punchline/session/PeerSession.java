package io.punchline.session;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.ScheduledFuture;
import io.punchline.crypto.PeerId;
import io.punchline.crypto.SecureInputStream;
import io.punchline.crypto.SecureOutputStream;
import io.punchline.crypto.SessionSecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One peer connection after its post-quantum handshake (docs/ARCHITECTURE.md, "Peer sessions"): a QUIC connection
 * (Netty over quiche) to the peer's stable virtual address, the session secrets, the secure control stream (the
 * handshake's stream, reused for traversal messages), and secure application streams in both directions.
 */
public final class PeerSession implements AutoCloseable {

    /** Which side dialled. */
    public enum Side { DIALLER, LISTENER }

    /** Reads the control stream's messages until it ends; runs on a thread of its own. */
    public interface ControlReader {
        void read(InputStream control) throws IOException;
    }

    /** What quiche measures on the session's active path. */
    public record PathStats(long rttMillis, long congestionWindow, long sentBytes, long lostBytes, long deliveryRate) {
        static final PathStats NONE = new PathStats(-1, 0, 0, 0, 0);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PeerSession.class);
    static final int MAX_WAITING_STREAMS = 64;

    private final Side side;
    private final QuicChannel quic;
    private final SessionSecrets secrets;
    private final InetSocketAddress virtualAddress;
    private final String tlsGroup;
    private final StreamBridge control;
    private final SecureOutputStream controlOutput;
    private final SecureInputStream controlInput;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<String> closedReason = new CompletableFuture<>();
    private final List<SecureStream> waitingStreams = new ArrayList<>();
    private final ScheduledFuture<?> keepalive;
    private Consumer<SecureStream> streamHandler;

    PeerSession(Side side, QuicChannel quic, SessionSecrets secrets, InetSocketAddress virtualAddress, String tlsGroup,
                StreamBridge control, ExecutorService executor) {
        this.side = side;
        this.quic = quic;
        this.secrets = secrets;
        this.virtualAddress = virtualAddress;
        this.tlsGroup = tlsGroup;
        this.control = control;
        this.controlOutput = secrets.secureOutput(control.streamId(), control.output());
        this.controlInput = secrets.secureInput(control.streamId(), control.input());
        this.executor = executor;
        // quiche sends no PINGs of its own: an ack-eliciting DATAGRAM frame keeps a quiet session (and its NAT
        // mappings) alive well inside the idle timeout
        long every = PeerTransport.IDLE_TIMEOUT.toMillis() / 3;
        this.keepalive = quic.eventLoop().scheduleAtFixedRate(
                () -> quic.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0})), every, every, TimeUnit.MILLISECONDS);
        quic.closeFuture().addListener(done -> close(quic.isTimedOut()
                ? "the peer was silent for " + PeerTransport.IDLE_TIMEOUT.toSeconds() + " s" : "connection closed"));
    }

    public Side side() {
        return side;
    }

    /** The peer, as the post-quantum handshake proved it. */
    public PeerId peer() {
        return secrets.peer();
    }

    /** The peer's stable address as the QUIC connection sees it: its bind address on its relay. */
    public InetSocketAddress virtualAddress() {
        return virtualAddress;
    }

    /** The key-exchange group the QUIC layer's TLS handshake used (e.g. X25519MLKEM768), or "unknown". */
    public String tlsGroup() {
        return tlsGroup;
    }

    public SessionSecrets secrets() {
        return secrets;
    }

    /** quiche's figures for the active path (RTT, congestion window, bytes); {@link PathStats#NONE} when closed. */
    public PathStats pathStats() {
        if (closed.get()) {
            return PathStats.NONE;
        }
        try {
            QuicConnectionPathStats stats = quic.collectPathStats(0).get(1, TimeUnit.SECONDS);
            return new PathStats(TimeUnit.NANOSECONDS.toMillis(stats.rtt()), stats.cwnd(), stats.sentBytes(),
                    stats.lostBytes(), stats.deliveryRate());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PathStats.NONE;
        } catch (ExecutionException | TimeoutException e) {
            return PathStats.NONE;
        }
    }

    /** QUIC packets quiche received and authenticated on this session so far (all paths), or -1 when unknown. */
    public long packetsReceived() {
        if (closed.get()) {
            return -1;
        }
        try {
            return quic.collectStats().get(1, TimeUnit.SECONDS).recv();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }

    /** Opens a secure bidirectional application stream. */
    public SecureStream openStream() throws IOException {
        if (closed.get()) {
            throw new IOException("session with " + peer().shortFingerprint() + " is closed");
        }
        StreamBridge bridge = new StreamBridge();
        try {
            QuicStreamChannel stream = quic.createStream(QuicStreamType.BIDIRECTIONAL, bridge).get(10, TimeUnit.SECONDS);
            return wrap(bridge, stream);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening a stream");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("cannot open a stream to " + peer().shortFingerprint() + ": " + cause, cause);
        }
    }

    /** Where streams the peer opens go; streams that arrive before a handler is set wait for it. */
    public void onStream(Consumer<SecureStream> handler) {
        List<SecureStream> waiting;
        synchronized (waitingStreams) {
            this.streamHandler = handler;
            waiting = new ArrayList<>(waitingStreams);
            waitingStreams.clear();
        }
        waiting.forEach(this::dispatch);
    }

    /** Like {@link #onStream}, unless a handler is set already. */
    public void onStreamIfUnset(Consumer<SecureStream> handler) {
        synchronized (waitingStreams) {
            if (streamHandler != null) {
                return;
            }
        }
        onStream(handler);
    }

    void acceptStream(StreamBridge bridge) {
        SecureStream secure = wrap(bridge, bridge.channel());
        synchronized (waitingStreams) {
            if (streamHandler == null) {
                if (waitingStreams.size() >= MAX_WAITING_STREAMS) {
                    secure.abort();
                } else {
                    waitingStreams.add(secure);
                }
                return;
            }
        }
        dispatch(secure);
    }

    private void dispatch(SecureStream secure) {
        Consumer<SecureStream> handler;
        synchronized (waitingStreams) {
            handler = streamHandler;
        }
        executor.execute(() -> {
            try {
                handler.accept(secure);
            } catch (RuntimeException e) {
                LOG.warn("stream handler failed on stream {}", secure.id(), e);
                secure.abort();
            }
        });
    }

    private SecureStream wrap(StreamBridge bridge, QuicStreamChannel stream) {
        long id = stream.streamId();
        return new SecureStream(id, secrets.secureInput(id, bridge.input()), secrets.secureOutput(id, bridge.output()),
                bridge::abort);
    }

    /** Sends one encoded control message (and flushes it as one record). */
    public void sendControl(byte[] message) throws IOException {
        synchronized (controlOutput) {
            controlOutput.write(message);
            controlOutput.flush();
        }
    }

    /** Starts reading the control stream with {@code reader}; the session closes when the stream ends or fails. */
    public void readControl(ControlReader reader) {
        executor.execute(() -> {
            String reason = "control stream ended";
            try {
                reader.read(controlInput);
            } catch (IOException | RuntimeException e) {
                reason = "control stream failed: " + e.getMessage();
            } catch (Error e) {
                LOG.error("control stream of the session with {} failed", peer().shortFingerprint(), e);
                throw e;
            } finally {
                close(reason);
            }
        });
    }

    /** Completes with the reason when the session has ended. */
    public CompletableFuture<String> closed() {
        return closedReason;
    }

    public boolean isClosed() {
        return closed.get();
    }

    void close(String reason) {
        if (closed.compareAndSet(false, true)) {
            LOG.debug("session with {} closed: {}", peer().shortFingerprint(), reason);
            keepalive.cancel(false);
            control.abort();
            quic.close(true, 0, Unpooled.EMPTY_BUFFER);
            closedReason.complete(reason);
        }
    }

    @Override
    public void close() {
        close("closed");
    }

    /**
     * Closes {@code sessions} and waits, at most {@code timeout} for all, until each QUIC connection's close has gone out
     * on the engine socket (its closeFuture completes once the codec wrote and flushed the CONNECTION_CLOSE), so that an
     * engine closing its socket right after does not drop it: a sender that exits after its transfer still tells the
     * receiver, which otherwise waits for it. Never waits on a connection's own event loop.
     */
    public static void closeAndFlush(Collection<PeerSession> sessions, Duration timeout) {
        sessions.forEach(PeerSession::close);
        long until = System.nanoTime() + timeout.toNanos();
        for (PeerSession session : sessions) {
            long left = until - System.nanoTime();
            if (left > 0 && !session.quic.eventLoop().inEventLoop()) {
                session.quic.closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left));
            }
        }
    }
}
