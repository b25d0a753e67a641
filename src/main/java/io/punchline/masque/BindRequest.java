package io.punchline.masque;

import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.flupke.impl.HeadersFrame;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bind client's request and the relay's answer to it (draft-ietf-masque-connect-udp-listen-13 section 3): an
 * extended CONNECT for {@code connect-udp} to {@code *}/{@code *} with {@code connect-udp-bind: ?1} and
 * {@code capsule-protocol: ?1}, answered 2xx with {@code connect-udp-bind: ?1} and the bind's public addresses in
 * {@code proxy-public-address}.
 */
record BindRequest(RelayHttp3Connection.Exchange exchange, List<InetSocketAddress> publicAddresses,
                   InetSocketAddress observedAddress, boolean kept) {

    private static final Logger LOG = LoggerFactory.getLogger(BindRequest.class);

    /**
     * Sends the request on {@code http3} and checks the response.
     *
     * @param authenticated whether the connection proved an identity (a 401 then means something else)
     * @throws BindException with a message for the user when the relay refuses the bind or answers wrongly
     */
    static BindRequest send(RelayHttp3Connection http3, RelayAddress relay, boolean authenticated)
            throws IOException, WireFormatException, BindException {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put(BindHeaders.CONNECT_UDP_BIND, List.of(BindHeaders.TRUE));
        fields.put(BindHeaders.CAPSULE_PROTOCOL, List.of(BindHeaders.TRUE));
        RelayHttp3Connection.Exchange exchange =
                http3.send(RelayConnector.connectUdp(relay, UdpProxyingPath.bindAny()), fields, null);
        return new BindRequest(exchange, checkResponse(relay, exchange, authenticated), observedAddress(relay, exchange),
                BindHeaders.isTrue(exchange.response().headers().allValues(BindHeaders.BIND_KEPT)));
    }

    /**
     * The client address the relay's listener saw ({@code punchline-observed-address}), or null when the relay did not
     * say or said something malformed: a hint for traversal, never a reason to refuse a bind.
     */
    private static InetSocketAddress observedAddress(RelayAddress relay, RelayHttp3Connection.Exchange exchange) {
        List<String> field = exchange.response().headers().allValues(BindHeaders.OBSERVED_ADDRESS);
        if (field.isEmpty()) {
            return null;
        }
        try {
            List<InetSocketAddress> observed = ProxyPublicAddress.parse(field);
            return observed.size() == 1 ? observed.get(0) : null;
        } catch (WireFormatException e) {
            LOG.debug("relay {} sent a malformed {}: {}", relay.authority(), BindHeaders.OBSERVED_ADDRESS, e.getMessage());
            return null;
        }
    }

    private static List<InetSocketAddress> checkResponse(RelayAddress relay, RelayHttp3Connection.Exchange exchange,
                                                         boolean authenticated) throws BindException {
        HeadersFrame response = exchange.response();
        int status = exchange.status();
        if (status == 401 && !authenticated) {
            throw new BindException("the relay " + relay.authority() + " requires authentication: it serves clients "
                    + "without a Punchline identity only when started with --allow-anonymous"
                    + exchange.proxyStatusDetail());
        }
        if (status < 200 || status > 299) {
            throw new BindException("relay " + relay.authority() + " refused the bind: HTTP " + status
                    + exchange.proxyStatusDetail());
        }
        if (!BindHeaders.isTrue(response.headers().allValues(BindHeaders.CONNECT_UDP_BIND))) {
            throw new BindException("relay " + relay.authority() + " does not support CONNECT-UDP Bind");
        }
        List<String> announced = response.headers().allValues(BindHeaders.PROXY_PUBLIC_ADDRESS);
        try {
            List<InetSocketAddress> addresses = ProxyPublicAddress.parse(announced);
            if (addresses.isEmpty()) {
                throw new BindException("relay " + relay.authority() + " announced no public address");
            }
            return addresses;
        } catch (WireFormatException e) {
            throw new BindException("relay " + relay.authority() + " sent a malformed proxy-public-address: " + e.getMessage());
        }
    }
}
