package io.punchline.relay;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * Which UDP targets the relay sends to, after RFC 9298 section 7 and draft-ietf-masque-connect-udp-listen-13
 * section "Security Considerations": never the relay's own addresses, loopback, link-local, multicast, broadcast or
 * the unspecified address. Targets that are another bind socket of this relay never reach this check; they are served
 * in process (see {@link BindDirectory}).
 *
 * <p>{@code allowLoopback} exists for tests and single-machine setups, where every host is on 127.0.0.0/8.
 */
public final class TargetPolicy {

    private final Set<InetAddress> ownAddresses;
    private final boolean allowLoopback;
    private final int ownPort;

    public TargetPolicy(Set<InetAddress> ownAddresses, int ownPort, boolean allowLoopback) {
        this.ownAddresses = Set.copyOf(ownAddresses);
        this.ownPort = ownPort;
        this.allowLoopback = allowLoopback;
    }

    /** The addresses of every local interface, plus the given extra ones (a public address behind 1:1 NAT). */
    public static Set<InetAddress> localAddresses(InetAddress... extra) {
        Set<InetAddress> result = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                result.addAll(Collections.list(nif.getInetAddresses()));
            }
        } catch (SocketException e) {
            // no interface list: the other checks still apply
        }
        for (InetAddress address : extra) {
            if (address != null) {
                result.add(address);
            }
        }
        return result;
    }

    /** Why {@code target} is refused, or null when the relay may send to it. */
    public String refusal(InetSocketAddress target) {
        InetAddress address = target.getAddress();
        if (address == null) {
            return "unresolved target";
        }
        if (target.getPort() == 0) {
            return "port 0";
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified address";
        }
        if (address.isMulticastAddress()) {
            return "multicast address";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local address";
        }
        if (isBroadcast(address)) {
            return "broadcast address";
        }
        if (address.isLoopbackAddress()) {
            if (!allowLoopback) {
                return "loopback address";
            }
            return target.getPort() == ownPort ? "the relay's own port" : null;
        }
        if (ownAddresses.contains(address) && !allowLoopback) {
            return "one of the relay's own addresses";
        }
        if (ownAddresses.contains(address) && target.getPort() == ownPort) {
            return "the relay's own port";
        }
        return null;
    }

    public boolean allows(InetSocketAddress target) {
        return refusal(target) == null;
    }

    private static boolean isBroadcast(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        byte[] b = address.getAddress();
        return (b[0] & 0xff) == 255 && (b[1] & 0xff) == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255;
    }
}
