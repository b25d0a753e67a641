package io.punchline.session;

import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.punchline.path.QuicPacketHeader;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The QUIC transport settings of every peer connection, dialled or accepted (RFC 9000 section 18.2 for the transport
 * parameters): BBR congestion control (loss-tolerant, measured in docs/BENCHMARKS.md); at most 1200-byte UDP payloads,
 * so each packet fits one HTTP datagram on a relay hop with its header; flow-control windows sized for a long fat
 * path; DATAGRAM frames (RFC 9221) for keepalives; and the TLS groups, hybrid post-quantum first.
 */
final class PeerTransport {

    /**
     * A session whose peer stays silent this long is over (a killed process, a lost network): short, so a transfer
     * notices and resumes on a new session soon. Keepalives every third of it keep a quiet session open.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);
    /** The largest UDP payload a peer connection sends: one HTTP datagram on a relay hop carries it whole. */
    static final int MAX_UDP_PAYLOAD = 1200;
    static final int MAX_PEER_STREAMS = 256;
    /**
     * Flow-control windows: one stream may run this far ahead of what its reader has taken in order. On a lossy path a
     * lost packet holds the reader at its hole for one to two round trips while data behind it keeps arriving, so the
     * window must cover the rate times several round trips. In the NAT lab at 100 ms RTT and 3 % loss 8/32 MiB held one
     * transfer to 25.7 MB/s (median of 5), 16/32 to 28.9, 32/64 let it reach 29.9 (of 8) and 64/128 30.8; on the clean
     * lab 64/128 cost 15 % (median 90 against 105 MB/s in alternating runs; not traced further), 32/64 nothing
     * (docs/BENCHMARKS.md, 2026-12-05). The receiver holds at most the connection window per session in quiche's
     * buffers, and only while a hole or a slow reader keeps it.
     */
    static final long STREAM_WINDOW = 32L * 1024 * 1024;
    static final long CONNECTION_WINDOW = 64L * 1024 * 1024;
    /**
     * quiche's congestion controller for peer sessions; {@code -Dpunchline.quic.cc=cubic|reno|bbr} picks another for a
     * benchmark that compares them (docs/BENCHMARKS.md).
     */
    static final QuicCongestionControlAlgorithm CONGESTION_CONTROL = QuicCongestionControlAlgorithm.valueOf(
            System.getProperty("punchline.quic.cc", "bbr").toUpperCase(Locale.ROOT));
    /** TLS key-exchange groups offered, best first: hybrid post-quantum, then classical for old peers. */
    static final String[] GROUPS = {"X25519MLKEM768", "X25519"};

    private PeerTransport() {
    }

    static <B extends QuicCodecBuilder<B>> B configure(B builder) {
        return builder
                .congestionControlAlgorithm(CONGESTION_CONTROL)
                .maxIdleTimeout(IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .maxSendUdpPayloadSize(MAX_UDP_PAYLOAD)
                .maxRecvUdpPayloadSize(MAX_UDP_PAYLOAD)
                .localConnectionIdLength(QuicPacketHeader.CONNECTION_ID_LENGTH)
                .initialMaxData(CONNECTION_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(STREAM_WINDOW)
                .initialMaxStreamsBidirectional(MAX_PEER_STREAMS)
                .initialMaxStreamsUnidirectional(0)
                .activeMigration(false)
                .datagram(64, 64);
    }
}
