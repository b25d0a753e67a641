package io.punchline.masque;

import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.flupke.impl.HeadersFrame;
import tech.kwik.flupke.impl.Http3ClientConnectionImpl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client's HTTP/3 connection to a relay (flupke over a kwik connection we built, so that we choose its socket,
 * certificate pinning and the datagram extension). It sends SETTINGS_H3_DATAGRAM=1 (RFC 9297 section 2.1.1) and
 * lets callers write request HEADERS and read response HEADERS themselves: flupke's {@code sendExtendedConnect}
 * would discard the response's {@code proxy-public-address}.
 */
final class RelayHttp3Connection extends Http3ClientConnectionImpl {

    private static final Logger LOG = LoggerFactory.getLogger(RelayHttp3Connection.class);
    static final long SETTINGS_H3_DATAGRAM = 0x33;
    static final long SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x08;
    static final int MAX_RESPONSE_HEADERS = 16 * 1024;
    private static final long SETTINGS_POLL_MILLIS = 50;

    RelayHttp3Connection(QuicClientConnection quic, ExecutorService executor) {
        super(quic, executor);
        addSettingsParameter(SETTINGS_H3_DATAGRAM, 1L);
    }

    /** What a client learned from waiting for the relay's SETTINGS (RFC 9114 section 7.2.4). */
    enum RelaySettings {
        /** SETTINGS arrived and allow extended CONNECT with HTTP datagrams. */
        MASQUE,
        /** SETTINGS arrived without SETTINGS_ENABLE_CONNECT_PROTOCOL=1 or SETTINGS_H3_DATAGRAM=1. */
        NO_EXTENDED_CONNECT,
        /** The connection ended before SETTINGS arrived. */
        CONNECTION_ENDED,
        /** No SETTINGS within the wait, the connection still open: a relay too busy to answer. */
        NOT_IN_TIME
    }

    /**
     * Waits up to {@code wait} for the relay's SETTINGS, returning early when {@code end} sees the connection end.
     * flupke's own {@code getPeerSettingsParameter} waits its fixed 10 s and cannot tell a relay that sent SETTINGS
     * without extended CONNECT from one that sent none.
     */
    RelaySettings awaitRelaySettings(Duration wait, RelayConnectionEnd end) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (!settingsFrameReceived.await(SETTINGS_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (end.ended()) {
                    return RelaySettings.CONNECTION_ENDED;
                }
                if (System.nanoTime() - deadline >= 0) {
                    return RelaySettings.NOT_IN_TIME;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RelaySettings.NOT_IN_TIME;
        }
        boolean masque = peerSettingsParameters.getOrDefault(SETTINGS_ENABLE_CONNECT_PROTOCOL, 0L) == 1L
                && peerSettingsParameters.getOrDefault(SETTINGS_H3_DATAGRAM, 0L) == 1L;
        return masque ? RelaySettings.MASQUE : RelaySettings.NO_EXTENDED_CONNECT;
    }

    QuicStream openRequestStream() throws IOException {
        return quicConnection.createStream(true);
    }

    /** A request stream whose response HEADERS have arrived. */
    record Exchange(QuicStream stream, RequestStreamWriter writer, RequestStreamReader reader, HeadersFrame response) {
        int status() {
            String status = response.getPseudoHeader(":status");
            try {
                return status == null ? -1 : Integer.parseInt(status);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** {@code " (PROXY_STATUS)"} when the response carries a Proxy-Status field (RFC 9209), else empty. */
        String proxyStatusDetail() {
            return response.headers().firstValue("proxy-status").map(s -> " (" + s + ")").orElse("");
        }
    }

    /** A complete response: status, fields and body. */
    record Response(Exchange exchange, byte[] body) {
        int status() {
            return exchange.status();
        }

        String proxyStatusDetail() {
            return exchange.proxyStatusDetail();
        }
    }

    /**
     * Sends a request and reads its response HEADERS. With a {@code body} (possibly empty) the request ends after it
     * (FIN); with none the stream stays open for capsules (extended CONNECT).
     */
    Exchange send(Map<String, String> pseudoHeaders, Map<String, List<String>> fields, byte[] body)
            throws IOException, WireFormatException {
        QuicStream stream = openRequestStream();
        RequestStreamWriter writer = new RequestStreamWriter(stream.getOutputStream());
        writer.writeHeaders(encodeRequest(pseudoHeaders, fields));
        if (body != null) {
            if (body.length > 0) {
                writer.writeData(body);
            }
            writer.close();
        }
        RequestStreamReader reader = new RequestStreamReader(stream.getInputStream());
        RequestStreamReader.Item item = reader.next(MAX_RESPONSE_HEADERS);
        if (!(item instanceof RequestStreamReader.Headers headers)) {
            throw new IOException("the relay ended the request without a response");
        }
        return new Exchange(stream, writer, reader, decodeResponse(headers.fieldSection()));
    }

    /**
     * Sends {@code body} and reads the whole response; a response body over {@code maxBody} bytes is an error. A 408
     * (the relay did not get the whole request within its request deadline, so did not process it) is repeated once
     * on a new stream, as RFC 9110 section 15.5.9 allows and HTTP clients such as OkHttp do: one request held up on
     * its way (a stalled stream, a slow link) costs a second try, not the user's pairing.
     */
    Response post(Map<String, String> pseudoHeaders, byte[] body, int maxBody) throws IOException {
        Response response = postOnce(pseudoHeaders, body, maxBody);
        if (response.status() != 408) {
            return response;
        }
        LOG.info("relay answered 408 to {}: the request did not reach it whole in time; sending it once more",
                pseudoHeaders.get(":path"));
        return postOnce(pseudoHeaders, body, maxBody);
    }

    private Response postOnce(Map<String, String> pseudoHeaders, byte[] body, int maxBody) throws IOException {
        try {
            Exchange exchange = send(pseudoHeaders, Map.of(), body);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            while (true) {
                RequestStreamReader.Item item = exchange.reader().next(MAX_RESPONSE_HEADERS);
                if (item instanceof RequestStreamReader.End) {
                    return new Response(exchange, received.toByteArray());
                }
                if (item instanceof RequestStreamReader.Data data) {
                    if (received.size() + data.length() > maxBody) {
                        exchange.stream().abortReading(Http3ErrorCodes.H3_REQUEST_CANCELLED);
                        throw new IOException("the relay's answer exceeds " + maxBody + " bytes");
                    }
                    received.write(data.buffer(), 0, data.length());
                }
            }
        } catch (WireFormatException e) {
            throw new IOException("malformed response: " + e.getMessage(), e);
        }
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
