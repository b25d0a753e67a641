package io.punchline.relay;

import io.punchline.crypto.PeerId;
import io.punchline.crypto.RelayChallenge;
import io.punchline.masque.DatagramSizes;
import io.punchline.masque.Http3ErrorCodes;
import io.punchline.masque.RequestStreamReader;
import io.punchline.masque.RequestStreamWriter;
import io.punchline.quic.AckPingLoopGuard;
import io.punchline.quic.CongestionControllerSwap;
import io.punchline.quic.InOrderSendQueue;
import io.punchline.quic.LossDelayFloor;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.server.ServerConnection;
import tech.kwik.flupke.impl.HeadersFrame;
import tech.kwik.flupke.server.Http3ServerConnection;
import tech.kwik.flupke.server.Http3ServerExtension;
import tech.kwik.flupke.server.Http3ServerExtensionFactory;
import tech.kwik.flupke.server.impl.Http3ServerConnectionImpl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client's HTTP/3 connection to the relay. It reads every request stream itself (flupke's extended-CONNECT
 * extension can send only a bare status, and {@code proxy-public-address} is a response header), and routes
 * incoming HTTP/3 datagrams (RFC 9297 section 2.1) to the tunnel of their request stream.
 *
 * <p>SETTINGS carry ENABLE_CONNECT_PROTOCOL=1 (RFC 9220, sent by flupke's server) and H3_DATAGRAM=1 (RFC 9297
 * section 2.1.1, added here through an extension factory, the only hook flupke reads before sending SETTINGS).
 *
 * <p>What the client can make it hold is bounded ({@link RelayResources}): its request streams run on the relay's
 * bounded worker pool and must deliver headers and bodies within the request deadline; its datagrams wait in a
 * bounded queue for the forwarding thread; and what the relay queues to send to it stops at a byte cap.
 */
final class RelayConnection extends Http3ServerConnectionImpl {

    /** RFC 9297 section 2.1.1. */
    static final long SETTINGS_H3_DATAGRAM = 0x33;
    static final int MAX_REQUEST_HEADERS = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RelayConnection.class);

    private final RelayContext relay;
    private final InetSocketAddress client;
    private final Map<Long, UdpTunnel> tunnelsByQuarterStreamId = new ConcurrentHashMap<>();
    private final SerialLane datagramExecutor;
    private final InOrderSendQueue sendQueue;
    private final ClientKey clientKey;
    private volatile int maxFrameData = -1;
    private final AtomicReference<RelayChallenge> outstandingChallenge = new AtomicReference<>();
    private volatile PeerId peer;
    private volatile Set<PeerId> finders = Set.of();

    /** A connection that holds a slot of {@link ClientConnections} for {@code clientKey}; it gives it back on close. */
    RelayConnection(QuicConnection quicConnection, RelayContext relay, ClientKey clientKey) {
        super(quicConnection, (request, response) -> response.setStatus(404), relay.streamExecutor(),
                Map.of("connect-udp", new SettingsOnly()));
        this.relay = relay;
        this.client = ((ServerConnection) quicConnection).getInitialRemoteAddress();
        this.clientKey = clientKey;
        CongestionControllerSwap.apply(quicConnection);
        AckPingLoopGuard.apply(quicConnection);
        LossDelayFloor.apply(quicConnection);
        relay.connectionTimers().apply(quicConnection);
        this.sendQueue = InOrderSendQueue.install(quicConnection);
        RelayCounters counters = relay.counters();
        this.datagramExecutor = new SerialLane(relay.datagramPool(), relay.config().resources().receiveQueueDatagrams(),
                counters.receiveQueueFull::increment);
        quicConnection.setDatagramHandler(this::onDatagram, datagramExecutor);
        relay.connections().opened(this);
        quicConnection.setConnectionListener(event -> {
            tunnelsByQuarterStreamId.values().forEach(tunnel -> tunnel.close("connection closed"));
            datagramExecutor.shutdown();
            relay.connections().closed(this);
            relay.connections().release(clientKey);
        });
    }

    /** Whom this connection counts against: its client's IPv4 address or IPv6 /64. */
    ClientKey clientKey() {
        return clientKey;
    }

    /** Bytes queued now for this client and not yet sent. */
    long sendQueueBytes() {
        return sendQueue != null ? sendQueue.queuedBytes() : 0;
    }

    /**
     * Whether a datagram of {@code length} bytes may be queued for this client: not when the send queue would go
     * beyond its cap (the client withholds ACKs, or its link is slower than its traffic). A refusal is counted.
     */
    boolean admitToSendQueue(int length) {
        if (sendQueue != null && sendQueue.queuedBytes() + length > relay.config().resources().sendQueueBytes()) {
            relay.counters().sendQueueFull.increment();
            return false;
        }
        return true;
    }

    /**
     * Every stream the client opens runs on the relay's bounded worker pool. When every worker is busy a request
     * stream is refused with H3_REQUEST_REJECTED (RFC 9114 section 8.1: not processed, the client may retry), and a
     * control or QPACK stream, without which the connection cannot work, closes the connection with H3_EXCESSIVE_LOAD.
     */
    @Override
    public void acceptPeerInitiatedStream(QuicStream stream) {
        Runnable work = stream.isBidirectional() ? () -> handleStandardRequestResponseStream(stream)
                : () -> handleIncomingStream(stream);
        try {
            relay.streamExecutor().execute(work);
        } catch (RejectedExecutionException e) {
            relay.counters().requestsRejectedBusy.increment();
            LOG.info("relay busy: refusing a stream of {}", client);
            if (stream.isBidirectional()) {
                stream.resetStream(Http3ErrorCodes.H3_REQUEST_REJECTED);
                stream.abortReading(Http3ErrorCodes.H3_REQUEST_REJECTED);
            } else {
                quicConnection.close(Http3ErrorCodes.H3_EXCESSIVE_LOAD, "relay busy");
            }
        }
    }

    InetSocketAddress client() {
        return client;
    }

    QuicConnection quic() {
        return quicConnection;
    }

    /** The PeerId this connection proved (relay authentication), or null while it has not. */
    PeerId peer() {
        return peer;
    }

    void challengeIssued(RelayChallenge challenge) {
        outstandingChallenge.set(challenge);
    }

    /** The outstanding challenge, removed: each one answers at most one proof. Null when there is none. */
    RelayChallenge takeChallenge() {
        return outstandingChallenge.getAndSet(null);
    }

    /** The PeerIds that may find this connection's binds (peer finding, docs/SECURITY.md section 7.5). */
    Set<PeerId> finders() {
        return finders;
    }

    void allowFinders(Set<PeerId> peers) {
        finders = Set.copyOf(peers);
    }

    void authenticated(PeerId proven) {
        peer = proven;
    }

    /** One request stream, on a worker thread: headers (and body) within the request deadline, then its dispatch. */
    @Override
    protected void handleStandardRequestResponseStream(QuicStream stream) {
        RequestDeadline deadline = RequestDeadline.start(stream, relay.config().resources().requestDeadline(),
                relay.timer(), relay.counters().requestsTimedOut::increment);
        RequestStreamWriter writer = new RequestStreamWriter(stream.getOutputStream());
        RequestStreamReader reader = new RequestStreamReader(stream.getInputStream());
        HeadersFrame request;
        try {
            RequestStreamReader.Item first = reader.next(MAX_REQUEST_HEADERS);
            if (!(first instanceof RequestStreamReader.Headers headers)) {
                // RFC 9114 section 4.1: a request starts with HEADERS
                deadline.met();
                stream.resetStream(Http3ErrorCodes.H3_MESSAGE_ERROR);
                stream.abortReading(Http3ErrorCodes.H3_MESSAGE_ERROR);
                return;
            }
            synchronized (qpackDecoder) {
                request = new HeadersFrame().parsePayload(headers.fieldSection(), qpackDecoder);
            }
        } catch (IOException | WireFormatException | RuntimeException e) {
            boolean late = !deadline.met();
            LOG.debug("{} request from {}: {}", late ? "stalled" : "unreadable", client, e.getMessage());
            long code = late ? Http3ErrorCodes.H3_REQUEST_INCOMPLETE : Http3ErrorCodes.H3_MESSAGE_ERROR;
            stream.resetStream(code);
            stream.abortReading(code);
            return;
        }
        new RequestDispatch(this, stream, reader, writer, deadline).handle(request);
    }

    /** Encodes a response HEADERS frame with this connection's QPACK encoder. */
    byte[] responseHeaders(int status, Map<String, List<String>> fields) {
        HeadersFrame frame = new HeadersFrame(HttpHeaders.of(fields, (a, b) -> true), Map.of(":status", Integer.toString(status)));
        synchronized (qpackEncoder) {
            return frame.toBytes(qpackEncoder);
        }
    }

    /** Largest HTTP datagram that fits one QUIC DATAGRAM frame to this client; larger ones go as capsules. */
    int maxDatagramFrameData() {
        int size = maxFrameData;
        if (size < 0) {
            size = DatagramSizes.maxFrameData(quicConnection);
            maxFrameData = size;
        }
        return size;
    }

    RelayContext relay() {
        return relay;
    }

    void attach(long quarterStreamId, UdpTunnel tunnel) {
        tunnelsByQuarterStreamId.put(quarterStreamId, tunnel);
    }

    void detach(long quarterStreamId, UdpTunnel tunnel) {
        tunnelsByQuarterStreamId.remove(quarterStreamId, tunnel);
    }

    /** RFC 9297 section 2.1: Quarter Stream ID, then the payload for that request's tunnel. */
    private void onDatagram(byte[] datagram) {
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        long quarterStreamId;
        try {
            quarterStreamId = QuicVarint.decode(buffer);
        } catch (WireFormatException e) {
            // "a frame too short to hold the Quarter Stream ID": H3_DATAGRAM_ERROR, a connection error
            quicConnection.close(Http3ErrorCodes.H3_DATAGRAM_ERROR, "HTTP datagram without a quarter stream ID");
            return;
        }
        if (quarterStreamId > (1L << 60) - 1) {
            quicConnection.close(Http3ErrorCodes.H3_DATAGRAM_ERROR, "quarter stream ID out of range");
            return;
        }
        UdpTunnel tunnel = tunnelsByQuarterStreamId.get(quarterStreamId);
        if (tunnel != null) {
            // unknown or finished request: dropped (RFC 9297 section 2.1)
            tunnel.fromClient(datagram, buffer.position());
        }
    }

    /** Adds H3_DATAGRAM=1 to SETTINGS; requests themselves never reach flupke's extension mechanism. */
    private static final class SettingsOnly implements Http3ServerExtensionFactory {
        @Override
        public Http3ServerExtension createExtension(Http3ServerConnection connection) {
            return (headers, protocol, authority, path, status, stream) -> status.accept(501);
        }

        @Override
        public Map<Long, Long> getExtensionSettings() {
            return Map.of(SETTINGS_H3_DATAGRAM, 1L);
        }
    }
}
