package io.punchline.path;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.socket.DatagramChannel;
import io.punchline.wire.IpAddressCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

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
     * {@code ::} address), binds the IPv4 wildcard on the same port instead and says so in the log.
     */
    static DatagramChannel bind(Bootstrap bootstrap, InetSocketAddress local) {
        InetAddress ip = local.getAddress();
        if (!(ip instanceof Inet6Address) || !ip.isAnyLocalAddress()) {
            return (DatagramChannel) bootstrap.bind(local).syncUninterruptibly().channel();
        }
        try {
            return (DatagramChannel) bootstrap.bind(local).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            InetSocketAddress ipv4 = new InetSocketAddress(IpAddressCodec.toInetAddress(new byte[4]), local.getPort());
            LOG.info("no IPv6 socket here ({}): the engine socket listens on IPv4 only, {}", e.getMessage(), ipv4);
            return (DatagramChannel) bootstrap.bind(ipv4).syncUninterruptibly().channel();
        }
    }
}
