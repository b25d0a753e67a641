package io.punchline.portmap;

import io.punchline.wire.WireFormatException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A NAT-PMP client for one UDP mapping (RFC 6886): the mapping request (section 3.3; a renewal suggests the port it
 * was given), then the public address request (section 3.2), since the mapping answer carries no address; lifetime 0
 * deletes (section 3.4). NAT-PMP has no nonce: only answers from the gateway with the right opcode and, for a mapping,
 * our internal port are read.
 */
final class NatPmpClient implements MappingClient {

    private final InetSocketAddress gateway;
    private PortMapping held;

    NatPmpClient(InetSocketAddress gateway) {
        this.gateway = gateway;
    }

    @Override
    public GatewayProtocol protocol() {
        return GatewayProtocol.NAT_PMP;
    }

    @Override
    public PortMapping map(int internalPort, long lifetimeSeconds) throws IOException {
        int suggested = held != null ? held.external().getPort() : internalPort;
        NatPmpMapResponse mapped = mapRequest(new NatPmpMapRequest(internalPort, suggested, lifetimeSeconds));
        if (!mapped.isSuccess() || mapped.lifetimeSeconds() == 0) {
            throw new IOException("NAT-PMP gateway refused the mapping: result code " + mapped.resultCode());
        }
        NatPmpAddressResponse address = addressRequest();
        if (!address.isSuccess()) {
            throw new IOException("NAT-PMP gateway has no public address: result code " + address.resultCode());
        }
        held = new PortMapping(GatewayProtocol.NAT_PMP, new InetSocketAddress(address.external(), mapped.externalPort()),
                internalPort, mapped.lifetimeSeconds());
        return held;
    }

    @Override
    public void delete() throws IOException {
        if (held != null) {
            PortMapping mapping = held;
            held = null;
            mapRequest(NatPmpMapRequest.delete(mapping.internalPort()));
        }
    }

    private NatPmpMapResponse mapRequest(NatPmpMapRequest request) throws IOException {
        try (GatewayExchange exchange = new GatewayExchange(gateway)) {
            Optional<ByteBuffer> answer = exchange.exchange(request.encode(), in -> {
                try {
                    NatPmpMapResponse response = NatPmpCodec.decodeMapResponse(in);
                    return !response.isSuccess() || response.internalPort() == request.internalPort();
                } catch (WireFormatException e) {
                    return false;
                }
            });
            return NatPmpCodec.decodeMapResponse(answer.orElseThrow(() -> new IOException("no NAT-PMP answer from " + gateway)));
        } catch (WireFormatException e) {
            throw new IOException("bad NAT-PMP answer: " + e.getMessage(), e);
        }
    }

    private NatPmpAddressResponse addressRequest() throws IOException {
        try (GatewayExchange exchange = new GatewayExchange(gateway)) {
            Optional<ByteBuffer> answer = exchange.exchange(NatPmpCodec.addressRequest(), in -> {
                try {
                    NatPmpCodec.decodeAddressResponse(in);
                    return true;
                } catch (WireFormatException e) {
                    return false;
                }
            });
            return NatPmpCodec.decodeAddressResponse(answer.orElseThrow(() -> new IOException("no NAT-PMP answer from " + gateway)));
        } catch (WireFormatException e) {
            throw new IOException("bad NAT-PMP answer: " + e.getMessage(), e);
        }
    }
}
