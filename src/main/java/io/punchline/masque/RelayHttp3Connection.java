package io.punchline.masque;

import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.flupke.impl.HeadersFrame;
import tech.kwik.flupke.impl.Http3ClientConnectionImpl;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * A client's HTTP/3 connection to a relay (flupke over a kwik connection we built, so that we choose its socket,
 * certificate pinning and the datagram extension). It sends SETTINGS_H3_DATAGRAM=1 (RFC 9297 section 2.1.1) and
 * lets callers write request HEADERS and read response HEADERS themselves: flupke's {@code sendExtendedConnect}
 * would discard the response's {@code proxy-public-address}.
 */
final class RelayHttp3Connection extends Http3ClientConnectionImpl {

    static final long SETTINGS_H3_DATAGRAM = 0x33;
    static final long SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x08;

    RelayHttp3Connection(QuicClientConnection quic, ExecutorService executor) {
        super(quic, executor);
        addSettingsParameter(SETTINGS_H3_DATAGRAM, 1L);
    }

    /** Whether the relay's SETTINGS allow extended CONNECT with HTTP datagrams; waits for SETTINGS if needed. */
    boolean relaySupportsMasque() {
        return getPeerSettingsParameter(SETTINGS_ENABLE_CONNECT_PROTOCOL).orElse(0L) == 1L
                && getPeerSettingsParameter(SETTINGS_H3_DATAGRAM).orElse(0L) == 1L;
    }

    QuicStream openRequestStream() throws IOException {
        return quicConnection.createStream(true);
    }

    byte[] encodeRequest(Map<String, String> pseudoHeaders, Map<String, List<String>> fields) {
        HeadersFrame frame = new HeadersFrame(HttpHeaders.of(fields, (a, b) -> true), pseudoHeaders);
        synchronized (this) {
            return frame.toBytes(qpackEncoder);
        }
    }

    HeadersFrame decodeResponse(byte[] fieldSection) throws IOException {
        synchronized (this) {
            return new HeadersFrame().parsePayload(fieldSection, qpackDecoder);
        }
    }
}
