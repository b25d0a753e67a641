package io.punchline.path;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.socket.DatagramChannel;
import io.punchline.wire.IpAddressCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;

/**
 * One UDP socket for both address families (RFC 3493 section 5.3, {@code IPV6_V6ONLY}): the engine socket bound to the
 * IPv6 wildcard {@code ::} with {@code IPV6_V6ONLY} off, which Netty's epoll transport and the JDK's NIO channel both
 * set on every IPv6 socket they open. IPv4 peers then reach the same socket, and both transports report their
 * addresses as plain IPv4 ones, never IPv4-mapped ({@code ::ffff:a.b.c.d}), so an IPv4 peer is one address.
 */
final class DualStack {

    private static final Logger LOG = LoggerFactory.getLogger(DualStack.class);

    private DualStack() {
    }

    /**
     * Binds {@code local}; for the IPv6 wildcard where the OS has no IPv6 (the kernel refuses an IPv6 socket or the
     * {@code ::} address, as in network namespaces with IPv6 disabled), binds the IPv4 wildcard on the same port instead
     * and says so in the log. Whether IPv6 works is asked of a throwaway JDK socket first: the bootstrap's handler may
     * be added to one channel only, so a failed bind cannot simply be tried again with it.
     */
    static DatagramChannel bind(Bootstrap bootstrap, InetSocketAddress local) {
        InetSocketAddress address = local;
        InetAddress ip = local.getAddress();
        if (ip instanceof Inet6Address && ip.isAnyLocalAddress()) {
            String missing = ipv6Missing();
            if (missing != null) {
                address = new InetSocketAddress(IpAddressCodec.toInetAddress(new byte[4]), local.getPort());
                LOG.info("no IPv6 socket here ({}): the engine socket listens on IPv4 only, {}", missing, address);
            }
        }
        return (DatagramChannel) bootstrap.bind(address).syncUninterruptibly().channel();
    }

    /** Null when an IPv6 UDP socket can be bound to {@code ::} here, else why not. */
    private static String ipv6Missing() {
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(IpAddressCodec.toInetAddress(new byte[16]), 0));
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return String.valueOf(e.getMessage());
        }
    }
}
