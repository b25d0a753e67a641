package io.punchline.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Host candidates (RFC 8445 section 5.1.1.1): the engine socket's own addresses. */
final class HostAddresses {

    private HostAddresses() {
    }

    /**
     * The socket's address, or, for a socket bound to the wildcard address, every usable IPv4 address of every
     * interface that is up (loopback only when nothing else is), with the socket's port.
     */
    static List<InetSocketAddress> of(InetSocketAddress bound) {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return List.of(bound);
        }
        List<InetSocketAddress> result = new ArrayList<>();
        List<InetSocketAddress> loopback = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nif.getInetAddresses())) {
                    if (!(address instanceof Inet4Address) || address.isLinkLocalAddress()) {
                        continue;
                    }
                    (address.isLoopbackAddress() ? loopback : result).add(new InetSocketAddress(address, bound.getPort()));
                }
            }
        } catch (SocketException e) {
            // no interface list: no host candidates beyond what follows
        }
        return result.isEmpty() ? loopback : result;
    }
}
