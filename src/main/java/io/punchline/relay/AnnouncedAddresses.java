package io.punchline.relay;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The addresses a relay's binds announce in {@code Proxy-Public-Address} (draft-ietf-masque-connect-udp-listen-13
 * section 4: at most one per address family): the configured public address, else the listen address, else (a
 * wildcard) the first IPv4 address of an interface; and on the IPv6 wildcard {@code ::}, whose sockets serve both
 * families, also an address of the other family from the interfaces (IPv4: not loopback or link-local; IPv6: global
 * unicast only, never loopback, link-local, site-local, unique-local or IPv4-mapped). No I/O but {@link #interfaces}.
 */
final class AnnouncedAddresses {

    private AnnouncedAddresses() {
    }

    /**
     * @param listen the relay's listen address
     * @param configured {@code --public-address}, or null
     * @param interfaces the addresses of the interfaces that are up, loopback ones left out
     */
    static List<InetAddress> of(InetAddress listen, InetAddress configured, List<InetAddress> interfaces) {
        InetAddress first = configured != null ? configured
                : !listen.isAnyLocalAddress() ? listen
                : interfaces.stream().filter(AnnouncedAddresses::announceableIpv4).findFirst()
                        .orElse(InetAddress.getLoopbackAddress());
        List<InetAddress> announced = new ArrayList<>(List.of(first));
        if (listen instanceof Inet6Address && listen.isAnyLocalAddress()) {
            interfaces.stream()
                    .filter(first instanceof Inet4Address ? AnnouncedAddresses::globalIpv6 : AnnouncedAddresses::announceableIpv4)
                    .findFirst().ifPresent(announced::add);
        }
        return announced;
    }

    /** The addresses of this host's interfaces that are up, but loopback ones; empty when the system does not say. */
    static List<InetAddress> interfaces() {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback()) {
                    addresses.addAll(Collections.list(nif.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            // no interface list: the loopback address is announced, as for a host without interfaces
        }
        return addresses;
    }

    private static boolean announceableIpv4(InetAddress address) {
        return address instanceof Inet4Address && !address.isLinkLocalAddress() && !address.isLoopbackAddress();
    }

    private static boolean globalIpv6(InetAddress address) {
        if (!(address instanceof Inet6Address) || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress() || address.isAnyLocalAddress()) {
            return false;
        }
        byte first = address.getAddress()[0];
        return (first & 0xFE) != 0xFC; // fc00::/7, unique local
    }
}
