package io.punchline.portmap;

import java.net.InetSocketAddress;

/**
 * A UDP mapping the gateway granted: datagrams to {@code external} reach this host's {@code internalPort} for
 * {@code lifetimeSeconds} from when it was granted.
 */
public record PortMapping(GatewayProtocol protocol, InetSocketAddress external, int internalPort, long lifetimeSeconds) {

    public PortMapping {
        if (protocol == null || external == null) {
            throw new IllegalArgumentException("protocol and external address are required");
        }
        if (internalPort < 1 || internalPort > 0xFFFF || lifetimeSeconds < 1) {
            throw new IllegalArgumentException("bad mapping: port " + internalPort + ", lifetime " + lifetimeSeconds);
        }
    }
}
