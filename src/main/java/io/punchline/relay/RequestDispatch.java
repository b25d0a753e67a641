package io.punchline.relay;

import io.punchline.crypto.PeerId;
import io.punchline.crypto.RelayAuthProof;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.BindHeaders;
import io.punchline.masque.Http3ErrorCodes;
import io.punchline.masque.ProxyPublicAddress;
import io.punchline.masque.RelayAuthRequests;
import io.punchline.masque.RequestStreamReader;
import io.punchline.masque.RequestStreamWriter;
import io.punchline.masque.TunnelStream;
import io.punchline.masque.UdpProxyingPath;
import io.punchline.masque.UdpTarget;
import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicStream;
import tech.kwik.flupke.impl.HeadersFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serves one request stream of the relay: validates an extended CONNECT for {@code connect-udp} (RFC 9298 section 3,
 * RFC 9220), with or without {@code connect-udp-bind: ?1} (draft-ietf-masque-connect-udp-listen-13 section 3), answers
 * it, then reads the request's capsules until the stream ends. Anything else gets an HTTP error status. A request
 * whose body is not complete within the request deadline gets 408 (RFC 9110 section 15.5.9).
 */
final class RequestDispatch {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatch.class);
    /** The proxy-status detail of a pairing or peer request the fleet's store could not serve. */
    static final String STORE_UNAVAILABLE = "fleet store unavailable";

    private final RelayConnection connection;
    private final QuicStream stream;
    private final RequestStreamReader reader;
    private final RequestStreamWriter writer;
    private final RequestDeadline deadline;

    RequestDispatch(RelayConnection connection, QuicStream stream, RequestStreamReader reader, RequestStreamWriter writer,
                    RequestDeadline deadline) {
        this.connection = connection;
        this.stream = stream;
        this.reader = reader;
        this.writer = writer;
        this.deadline = deadline;
    }

    void handle(HeadersFrame request) {
        String method = request.getPseudoHeader(":method");
        String protocol = request.getPseudoHeader(":protocol");
        String path = request.getPseudoHeader(":path");
        boolean hasBody = "POST".equals(method)
                && (RelayAuthRequests.PROOF_PATH.equals(path) || MailboxEndpoint.serves(path));
        if (!hasBody && !deadline.met()) {
            requestTimeout();
            return;
        }
        if (method == null) {
            messageError("request without :method");
            return;
        }
        if (RelayAuthRequests.CHALLENGE_PATH.equals(path) || RelayAuthRequests.PROOF_PATH.equals(path)) {
            serveAuth(method, path);
            return;
        }
        if (MailboxEndpoint.serves(path)) {
            servePairing(method, path);
            return;
        }
        if (!method.equals("CONNECT")) {
            respondAndFinish(method.equals("GET") && "/".equals(path) ? 200 : 404, Map.of());
            return;
        }
        if (protocol == null || !protocol.equals("connect-udp")) {
            // RFC 9220 section 3 / RFC 8441 section 4: unknown :protocol, or plain CONNECT, is not served here
            respondAndFinish(501, Map.of());
            return;
        }
        if (path == null || request.getPseudoHeader(":scheme") == null || request.getPseudoHeader(":authority") == null) {
            // RFC 9298 section 3.4: extended CONNECT without :scheme, :path or :authority is malformed
            messageError("extended CONNECT without :scheme, :path or :authority");
            return;
        }
        if (!UdpProxyingPath.matches(path)) {
            respondAndFinish(404, Map.of());
            return;
        }
        if (connection.peer() == null && !connection.relay().config().access().allowAnonymous()) {
            // RFC 9110 section 15.5.2: 401 names the scheme in WWW-Authenticate
            Map<String, List<String>> fields = new LinkedHashMap<>(proxyStatus(
                    "http_request_denied; details=\"relay authentication required\""));
            fields.put("www-authenticate", List.of(RelayAuthRequests.AUTH_SCHEME));
            connection.relay().counters().authFailed(AuthFailure.UNAUTHENTICATED_REQUEST);
            respondAndFinish(401, fields);
            return;
        }
        if (!ownerServes()) {
            connection.relay().counters().requestsRefused.increment();
            respondAndFinish(403, proxyStatus("http_request_denied; details=\"" + OwnerScope.REFUSAL + "\""));
            return;
        }
        UdpTarget target;
        try {
            target = UdpProxyingPath.parse(path);
        } catch (WireFormatException e) {
            // draft -13 section 3.1: only one variable "*" MUST be an error, SHOULD be 400
            respondAndFinish(400, proxyStatus("http_request_error; details=\"" + e.getMessage().replace("\"", "'") + "\""));
            return;
        }
        boolean bind = BindHeaders.isTrue(request.headers().allValues(BindHeaders.CONNECT_UDP_BIND));
        if (target.isBindAny() && !bind) {
            respondAndFinish(400, proxyStatus("http_request_error; details=\"* targets need connect-udp-bind\""));
            return;
        }
        InetSocketAddress uriTarget = null;
        if (!target.isBindAny()) {
            try {
                uriTarget = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
            } catch (UnknownHostException e) {
                respondAndFinish(502, proxyStatus("dns_error"));
                return;
            }
            UdpTunnel sibling = connection.relay().directory().tunnelAt(uriTarget);
            if (sibling == null && !connection.relay().targetPolicy().allows(uriTarget)) {
                connection.relay().counters().targetsRefused.increment();
                respondAndFinish(403, proxyStatus("destination_ip_prohibited"));
                return;
            }
        }
        openTunnel(uriTarget, bind);
    }

    /**
     * On an owned (embedded) relay: whether this connection's PeerId may open a request, by {@link OwnerScope}'s rule
     * (member, or a guest while the owner has a pairing code open and guests are below their cap).
     */
    private boolean ownerServes() {
        OwnerScope scope = connection.relay().config().access().owner();
        if (scope == null || scope.isMember(connection.peer())) {
            return true;
        }
        if (!connection.relay().mailbox().hasOpenCodeOf(scope.owner())) {
            LOG.info("refused a request of {} from {}: not this embedded relay's device nor a peer it remembers, and "
                    + "no pairing code of that device is open", connection.peer().fingerprint(), connection.client());
            return false;
        }
        Set<PeerId> remembered = scope.remembered().get();
        long guests = connection.relay().directory().tunnels().stream().filter(tunnel -> !tunnel.isClosed())
                .map(tunnel -> tunnel.connection().peer())
                .filter(peer -> !scope.owner().equals(peer) && !remembered.contains(peer)).count();
        return guests < scope.maxGuests();
    }

    private void openTunnel(InetSocketAddress uriTarget, boolean bind) {
        RelayContext relay = connection.relay();
        ClientKey client = connection.clientKey();
        BindDirectory.Admission admission = relay.directory().admit(client, connection.peer());
        if (admission != BindDirectory.Admission.ADMITTED) {
            relay.counters().requestsRefused.increment();
        }
        switch (admission) {
            case ADMITTED -> {
            }
            case RELAY_FULL -> {
                respondAndFinish(503, proxyStatus("proxy_internal_error; details=\"relay full\""));
                return;
            }
            case TOO_MANY_FROM_PEER -> {
                respondAndFinish(429, proxyStatus("proxy_internal_error; details=\"too many requests from this PeerId\""));
                return;
            }
            case TOO_MANY_REQUESTS -> {
                respondAndFinish(429, proxyStatus("proxy_internal_error; details=\"too many requests from this address\""));
                return;
            }
        }
        DatagramChannel socket;
        int port;
        try {
            socket = TunnelSockets.open(new InetSocketAddress(relay.config().listen().getAddress(), 0));
            port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
        } catch (IOException e) {
            relay.directory().release(client);
            LOG.warn("cannot bind a UDP socket for {}: {}", connection.client(), e.getMessage());
            respondAndFinish(503, proxyStatus("proxy_internal_error; details=\"no socket\""));
            return;
        }
        List<InetSocketAddress> publicAddresses = relay.announcedAddresses(connection.client()).stream()
                .map(address -> new InetSocketAddress(address, port)).toList();
        InetSocketAddress publicAddress = publicAddresses.get(0);
        long quarterStreamId = stream.getStreamId() / 4;
        UdpTunnel[] holder = new UdpTunnel[1];
        Runnable onClosed = () -> {
            if (holder[0] instanceof BindTunnel closed) {
                relay.mailbox().peers().withdraw(closed);
            }
            relay.directory().unregister(holder[0]);
            connection.detach(quarterStreamId, holder[0]);
            relay.directory().release(client);
        };
        TunnelStream tunnelStream = new TunnelStream(connection.quic(), stream, writer, connection::maxDatagramFrameData);
        UdpTunnel tunnel = bind
                ? new BindTunnel(connection, tunnelStream, socket, publicAddresses, uriTarget, onClosed)
                : new ConnectUdpTunnel(connection, tunnelStream, socket, publicAddresses, uriTarget, onClosed);
        holder[0] = tunnel;
        relay.counters().sessionsOpened.increment();
        relay.directory().register(tunnel);
        connection.attach(quarterStreamId, tunnel);
        if (tunnel instanceof BindTunnel published) {
            // a fleet's store learns it without the request waiting; if the store is down, the refresh writes it later
            relay.mailbox().peers().publish(List.of(published));
        }

        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put(BindHeaders.CAPSULE_PROTOCOL, List.of(BindHeaders.TRUE));
        if (bind) {
            fields.put(BindHeaders.CONNECT_UDP_BIND, List.of(BindHeaders.TRUE));
            fields.put(BindHeaders.PROXY_PUBLIC_ADDRESS, List.of(ProxyPublicAddress.format(publicAddresses)));
            fields.put(BindHeaders.OBSERVED_ADDRESS, List.of(ProxyPublicAddress.format(List.of(connection.client()))));
            fields.put(BindHeaders.BIND_KEPT, List.of(BindHeaders.TRUE));
        }
        try {
            writer.writeHeaders(connection.responseHeaders(200, fields));
        } catch (IOException e) {
            tunnel.close("response could not be written");
            return;
        }
        LOG.debug("{} request {} of {}: UDP socket {}", bind ? "bind" : "connect-udp", stream.getStreamId(),
                connection.client(), publicAddress);
        tunnel.start();
        tunnel.readCapsules(reader);
    }

    /** The relay-authentication requests (docs/SECURITY.md section 6.4): POST only, bodies of bounded size. */
    private void serveAuth(String method, String path) {
        if (!method.equals("POST")) {
            respondAndFinish(405, Map.of("allow", List.of("POST")));
            return;
        }
        AuthEndpoint auth = connection.relay().auth();
        if (path.equals(RelayAuthRequests.CHALLENGE_PATH)) {
            respond(auth.challenge(connection));
            return;
        }
        byte[] body;
        try {
            body = readBody(RelayAuthProof.ENCODED_LENGTH);
        } catch (IOException | WireFormatException e) {
            unreadableBody("unreadable proof: " + e.getMessage());
            return;
        }
        if (!deadline.met()) {
            requestTimeout();
            return;
        }
        respond(auth.proof(connection, body));
    }

    /** The pairing mailbox and peer finding (docs/SECURITY.md section 7.4, 7.5): POST only, bodies of bounded size. */
    private void servePairing(String method, String path) {
        if (!method.equals("POST")) {
            respondAndFinish(405, Map.of("allow", List.of("POST")));
            return;
        }
        byte[] body;
        try {
            body = readBody(MailboxProtocol.MAX_BODY);
        } catch (IOException | WireFormatException e) {
            unreadableBody("unreadable pairing request: " + e.getMessage());
            return;
        }
        if (!deadline.met()) {
            requestTimeout();
            return;
        }
        connection.relay().counters().mailboxRequests.increment();
        try {
            respond(connection.relay().mailbox().serve(connection, path, body));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respondAndFinish(503, Map.of());
        } catch (StoreUnavailableException e) {
            // the fleet's shared store is down or slow: FleetStore logs it once, the metrics count each refusal
            connection.relay().counters().storeUnavailable.increment();
            respond(new AuthEndpoint.Answer(503,
                    proxyStatus("proxy_internal_error; details=\"" + STORE_UNAVAILABLE + "\""),
                    new byte[]{(byte) MailboxProtocol.Failure.STORE_UNAVAILABLE.code}));
        } catch (RuntimeException e) {
            // a bug must cost one request, never the relay
            LOG.warn("pairing request {} from {} failed", path, connection.client(), e);
            respondAndFinish(500, Map.of());
        }
    }

    /**
     * The request's body up to its end, or its first pieces as soon as they exceed {@code limit} bytes (the rest is
     * not read). Trailers are ignored.
     */
    private byte[] readBody(int limit) throws IOException, WireFormatException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            RequestStreamReader.Item item = reader.next(RelayConnection.MAX_REQUEST_HEADERS);
            if (item instanceof RequestStreamReader.End) {
                return body.toByteArray();
            }
            if (item instanceof RequestStreamReader.Data data) {
                body.write(data.buffer(), 0, data.length());
                if (body.size() > limit) {
                    return body.toByteArray();
                }
            }
        }
    }

    private void respond(AuthEndpoint.Answer answer) {
        try {
            writer.writeHeaders(connection.responseHeaders(answer.status(), answer.fields()));
            if (answer.body().length > 0) {
                writer.writeData(answer.body());
            }
        } catch (IOException e) {
            // the client is gone
        }
        finish();
    }

    /** A body that could not be read: 408 when the request deadline ran out, else a malformed message. */
    private void unreadableBody(String why) {
        if (!deadline.met()) {
            requestTimeout();
        } else {
            messageError(why);
        }
    }

    /** RFC 9110 section 15.5.9: the request did not arrive whole within the request deadline. */
    private void requestTimeout() {
        LOG.debug("request from {} not complete within {}", connection.client(),
                connection.relay().config().resources().requestDeadline());
        respondAndFinish(408, proxyStatus("http_request_error; details=\"request not complete in time\""));
    }

    private void messageError(String why) {
        LOG.debug("malformed request from {}: {}", connection.client(), why);
        stream.resetStream(Http3ErrorCodes.H3_MESSAGE_ERROR);
        stream.abortReading(Http3ErrorCodes.H3_MESSAGE_ERROR);
    }

    private void respondAndFinish(int status, Map<String, List<String>> fields) {
        respond(new AuthEndpoint.Answer(status, fields, new byte[0]));
    }

    private void finish() {
        writer.close();
        // RFC 9114 section 4.1.2: after a complete response the server may stop reading with H3_NO_ERROR
        stream.abortReading(Http3ErrorCodes.H3_NO_ERROR);
    }

    static Map<String, List<String>> proxyStatus(String value) {
        // RFC 9209: Proxy-Status names the proxy, then the error as a parameter
        return Map.of("proxy-status", List.of("punchline; error=" + value));
    }
}
