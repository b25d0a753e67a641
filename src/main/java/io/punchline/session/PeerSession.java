package io.punchline.session;

import io.punchline.crypto.PeerId;
import io.punchline.crypto.SecureInputStream;
import io.punchline.crypto.SecureOutputStream;
import io.punchline.crypto.SessionSecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One peer connection after its post-quantum handshake (DESIGN.md sections 3 and 4): a kwik connection to the peer's
 * stable virtual address, the session secrets, the secure control stream (the handshake's stream, stream 0, reused
 * for traversal messages), and secure application streams in both directions.
 */
public final class PeerSession implements AutoCloseable {

    /** Which side dialled. */
    public enum Side { DIALLER, LISTENER }

    /** Reads the control stream's messages until it ends; runs on a thread of its own. */
    public interface ControlReader {
        void read(InputStream control) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PeerSession.class);

    private final Side side;
    private final QuicConnection quic;
    private final SessionSecrets secrets;
    private final InetSocketAddress virtualAddress;
    private final StallGuardOutputStream controlRaw;
    private final SecureOutputStream controlOutput;
    private final SecureInputStream controlInput;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<String> closedReason = new CompletableFuture<>();
    private Consumer<SecureStream> streamHandler;
    private final java.util.List<SecureStream> waitingStreams = new java.util.ArrayList<>();

    PeerSession(Side side, QuicConnection quic, SessionSecrets secrets, InetSocketAddress virtualAddress,
                QuicStream controlStream, StallGuardOutputStream controlRaw, StallGuardInputStream controlRawIn,
                ExecutorService executor) {
        this.side = side;
        this.quic = quic;
        this.secrets = secrets;
        this.virtualAddress = virtualAddress;
        this.controlRaw = controlRaw;
        this.controlOutput = secrets.secureOutput(controlStream.getStreamId(), controlRaw);
        this.controlInput = secrets.secureInput(controlStream.getStreamId(), controlRawIn);
        this.executor = executor;
    }

    public Side side() {
        return side;
    }

    /** The peer, as the post-quantum handshake proved it. */
    public PeerId peer() {
        return secrets.peer();
    }

    /** The peer's stable address as kwik sees it: its bind address on its relay. */
    public InetSocketAddress virtualAddress() {
        return virtualAddress;
    }

    public SessionSecrets secrets() {
        return secrets;
    }

    QuicConnection quic() {
        return quic;
    }

    /** kwik's counters for this connection: RTT, packets sent and lost. */
    public tech.kwik.core.Statistics statistics() {
        return quic.getStats();
    }

    /** Opens a secure bidirectional application stream. */
    public SecureStream openStream() throws IOException {
        if (closed.get()) {
            throw new IOException("session with " + peer().shortFingerprint() + " is closed");
        }
        return wrap(quic.createStream(true));
    }

    /** Where streams the peer opens go; streams that arrive before a handler is set wait for it. */
    public void onStream(Consumer<SecureStream> handler) {
        java.util.List<SecureStream> waiting;
        synchronized (waitingStreams) {
            this.streamHandler = handler;
            waiting = new java.util.ArrayList<>(waitingStreams);
            waitingStreams.clear();
        }
        waiting.forEach(this::dispatch);
    }

    void acceptStream(QuicStream stream) {
        SecureStream secure = wrap(stream);
        synchronized (waitingStreams) {
            if (streamHandler == null) {
                if (waitingStreams.size() >= 64) {
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

    private SecureStream wrap(QuicStream stream) {
        StallGuardOutputStream out = new StallGuardOutputStream(stream.getOutputStream());
        StallGuardInputStream in = new StallGuardInputStream(stream.getInputStream());
        long id = stream.getStreamId();
        return new SecureStream(id, secrets.secureInput(id, in), secrets.secureOutput(id, out), () -> {
            out.abandon();
            stream.resetStream(0);
            stream.abortReading(0);
        });
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
            }
            close(reason);
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
            controlRaw.abandon();
            quic.close();
            closedReason.complete(reason);
        }
    }

    @Override
    public void close() {
        close("closed");
    }
}
