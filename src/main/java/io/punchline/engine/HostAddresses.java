package io.punchline.engine;

import io.punchline.nat.AddressScope;
import io.punchline.wire.IpAddressCodec;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Host candidates (RFC 8445 section 5.1.1.1): the engine socket's own addresses.
 *
 * <p>IPv6 (docs/ARCHITECTURE.md, "IPv6"): a dual-stack socket offers the interfaces' global and unique-local (fc00::/7)
 * addresses, never link-local ones (the wire carries no zone) nor {@code ::1}. A unique-local address is offered like
 * an RFC 1918 one: the dialler pairs it only with an address of the same /48
 * ({@link io.punchline.nat.CandidatePairing}), so a peer elsewhere never probes it.
 */
final class HostAddresses {

    private HostAddresses() {
    }

    /**
     * The socket's address, or, for a socket bound to a wildcard address, every usable address of every interface that
     * is up, with the socket's port: IPv4 ones (IPv4 loopback only when no other IPv4 address is there) and, for the
     * dual-stack socket on {@code ::}, IPv6 ones as the class comment says.
     */
    static List<InetSocketAddress> of(InetSocketAddress bound) {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return List.of(bound);
        }
        boolean dualStack = bound.getAddress() instanceof Inet6Address;
        List<InetSocketAddress> result = new ArrayList<>();
        List<InetSocketAddress> ipv6 = new ArrayList<>();
        List<InetSocketAddress> loopback = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nif.getInetAddresses())) {
                    if (address instanceof Inet6Address) {
                        if (dualStack && isOfferedIpv6(address)) {
                            // without the interface's zone: candidates are compared and sent as bare addresses
                            ipv6.add(new InetSocketAddress(IpAddressCodec.toInetAddress(address.getAddress()),
                                    bound.getPort()));
                        }
                        continue;
                    }
                    if (address.isLinkLocalAddress()) {
                        continue;
                    }
                    (address.isLoopbackAddress() ? loopback : result).add(new InetSocketAddress(address, bound.getPort()));
                }
            }
        } catch (SocketException e) {
            // no interface list: no host candidates beyond what follows
        }
        if (result.isEmpty()) {
            result.addAll(loopback);
        }
        result.addAll(ipv6);
        return result;
    }

    /** Global or unique-local: not link-local, loopback, multicast, wildcard, nor deprecated site-local (fec0::/10). */
    static boolean isOfferedIpv6(InetAddress address) {
        AddressScope scope = AddressScope.of(address);
        return (scope == AddressScope.PUBLIC || scope == AddressScope.PRIVATE) && !address.isSiteLocalAddress();
    }
}
