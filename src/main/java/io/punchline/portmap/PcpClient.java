package io.punchline.portmap;

import io.punchline.wire.WireFormatException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A PCP client for one UDP mapping (RFC 6887 section 11): MAP requests with one random nonce for the mapping's life,
 * suggesting the internal port first and then the granted address (section 11.2: a renewal asks for what it has);
 * lifetime 0 deletes it (section 15). Only answers with the request's nonce, protocol and internal port count
 * (section 11.3). A gateway that answers in NAT-PMP's version 0 does not speak PCP (section 9).
 */
final class PcpClient implements MappingClient {

    private final InetSocketAddress gateway;
    private final PcpNonce nonce = PcpNonce.random();
    private PortMapping held;

    PcpClient(InetSocketAddress gateway) {
        this.gateway = gateway;
    }

    @Override
    public GatewayProtocol protocol() {
        return GatewayProtocol.PCP;
    }

    @Override
    public PortMapping map(int internalPort, long lifetimeSeconds) throws IOException {
        PcpMapResponse answer = exchange(internalPort, lifetimeSeconds);
        if (!answer.isSuccess()) {
            throw new IOException("PCP gateway refused the mapping: result code " + answer.resultCode());
        }
        if (answer.lifetimeSeconds() == 0 || answer.externalPort() == 0) {
            throw new IOException("PCP gateway granted no lifetime or port");
        }
        held = new PortMapping(GatewayProtocol.PCP, new InetSocketAddress(answer.external(), answer.externalPort()),
                internalPort, answer.lifetimeSeconds());
        return held;
    }

    @Override
    public void delete() throws IOException {
        if (held != null) {
            PortMapping mapping = held;
            held = null;
            exchange(mapping.internalPort(), 0);
        }
    }

    private PcpMapResponse exchange(int internalPort, long lifetimeSeconds) throws IOException {
        try (GatewayExchange exchange = new GatewayExchange(gateway)) {
            InetAddress suggested = held != null ? held.external().getAddress() : unspecified(exchange.localAddress());
            int suggestedPort = held != null ? held.external().getPort() : internalPort;
            PcpMapRequest request = new PcpMapRequest(lifetimeSeconds, exchange.localAddress(), nonce,
                    PcpCodec.PROTOCOL_UDP, internalPort, suggestedPort, suggested);
            boolean[] natPmpOnly = {false};
            Optional<ByteBuffer> answer = exchange.exchange(request.encode(), in -> {
                if (NatPmpCodec.isUnsupportedVersion(in)) {
                    natPmpOnly[0] = true;
                    return true;
                }
                try {
                    PcpMapResponse response = PcpCodec.decode(in);
                    return response.answers(request) || (response.nonce() == null && !response.isSuccess());
                } catch (WireFormatException e) {
                    return false;
                }
            });
            if (answer.isEmpty()) {
                throw new IOException("no PCP answer from " + gateway);
            }
            if (natPmpOnly[0]) {
                throw new IOException("the gateway speaks NAT-PMP, not PCP");
            }
            return PcpCodec.decode(answer.get());
        } catch (WireFormatException e) {
            throw new IOException("bad PCP answer: " + e.getMessage(), e);
        }
    }

    /** Section 11.1: all zeros (IPv4: ::ffff:0.0.0.0) when the client has no preference. */
    private static InetAddress unspecified(InetAddress family) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[family instanceof Inet4Address ? 4 : 16]);
    }
}
