package io.punchline.relay;

import io.punchline.relay.AddressBlock.Kind;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The address space a relay must not forward into by default, after the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890), and the IPv6 forms that carry an IPv4 address (normalised before any check, so that
 * {@code ::127.0.0.1} or {@code 64:ff9b::7f00:1} is judged as 127.0.0.1).
 *
 * <p>Left public on purpose: 198.18.0.0/15 (RFC 2544 benchmarking), which the NAT lab (docs/NATLAB.md) uses as its
 * simulated internet, and the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32),
 * which nothing routes on the internet but test networks use (this project's build machine sits on 192.0.2.0/24). Guava's {@code InetAddresses} knows some embedded forms but not NAT64, and is not a dependency.
 */
final class SpecialAddresses {

    private static final List<AddressBlock> BLOCKS = List.of(
            AddressBlock.parse("0.0.0.0/8", Kind.NEVER, "\"this network\" address (0.0.0.0/8)"),
            AddressBlock.parse("127.0.0.0/8", Kind.LOOPBACK, "loopback address"),
            AddressBlock.parse("10.0.0.0/8", Kind.PRIVATE, "RFC 1918 private address"),
            AddressBlock.parse("172.16.0.0/12", Kind.PRIVATE, "RFC 1918 private address"),
            AddressBlock.parse("192.168.0.0/16", Kind.PRIVATE, "RFC 1918 private address"),
            AddressBlock.parse("100.64.0.0/10", Kind.PRIVATE, "RFC 6598 carrier-grade NAT address"),
            AddressBlock.parse("169.254.0.0/16", Kind.NEVER, "link-local address"),
            AddressBlock.parse("192.0.0.0/24", Kind.NEVER, "IETF protocol assignment (192.0.0.0/24)"),
            AddressBlock.parse("224.0.0.0/4", Kind.NEVER, "multicast address"),
            AddressBlock.parse("255.255.255.255/32", Kind.NEVER, "limited broadcast address"),
            AddressBlock.parse("240.0.0.0/4", Kind.NEVER, "reserved address (240.0.0.0/4)"),
            AddressBlock.parse("::/128", Kind.NEVER, "unspecified address"),
            AddressBlock.parse("::1/128", Kind.LOOPBACK, "loopback address"),
            AddressBlock.parse("fc00::/7", Kind.PRIVATE, "unique local address (fc00::/7)"),
            AddressBlock.parse("fec0::/10", Kind.PRIVATE, "site-local address (fec0::/10)"),
            AddressBlock.parse("64:ff9b:1::/48", Kind.PRIVATE, "local-use NAT64 address (RFC 8215)"),
            AddressBlock.parse("fe80::/10", Kind.NEVER, "link-local address"),
            AddressBlock.parse("ff00::/8", Kind.NEVER, "multicast address"),
            AddressBlock.parse("100::/64", Kind.NEVER, "discard-only address (RFC 6666)"),
            AddressBlock.parse("2001::/23", Kind.NEVER, "IETF protocol assignment (Teredo, ORCHID, benchmarking)"));

    private SpecialAddresses() {
    }

    /**
     * The IPv4 address an IPv6 address carries, or the address itself: IPv4-mapped {@code ::ffff:a.b.c.d} and
     * IPv4-compatible {@code ::a.b.c.d} (RFC 4291 section 2.5.5; {@code ::} becomes 0.0.0.0), NAT64 {@code 64:ff9b::/96} (RFC 6052) and 6to4
     * {@code 2002:aabb:ccdd::/16} (RFC 3056). {@code ::1} stays as it is.
     */
    static InetAddress normalise(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return ipv4(b, 12);
        }
        if (allZero(b, 0, 12) && !address.isLoopbackAddress()) {
            return ipv4(b, 12); // ::a.b.c.d (and :: itself, which becomes 0.0.0.0), but not ::1
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
            return ipv4(b, 12);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return ipv4(b, 2);
        }
        return address;
    }

    /** The special-purpose block {@code address} (already normalised) lies in, if any. */
    static Optional<AddressBlock> blockOf(InetAddress address) {
        for (AddressBlock block : BLOCKS) {
            if (block.contains(address)) {
                return Optional.of(block);
            }
        }
        return Optional.empty();
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte[] bytes, int at) {
        try {
            return Inet4Address.getByAddress(new byte[]{bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]});
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are an IPv4 address", e);
        }
    }
}
