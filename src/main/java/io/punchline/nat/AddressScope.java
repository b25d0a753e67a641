package io.punchline.nat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * Where an IP address can be reached from, as far as its bits tell: the basis of the candidates' local preference
 * ({@link Candidate}) and of the pairing heuristic ({@link CandidatePairing}). Ranges from RFC 1918 (private IPv4),
 * RFC 6598 (shared address space 100.64.0.0/10, carrier-grade NAT), RFC 3927 (169.254.0.0/16), RFC 4193 (unique local
 * IPv6, fc00::/7) and RFC 4291 (loopback, link-local fe80::/10, multicast). An IPv4-mapped IPv6 address is judged by
 * the IPv4 address inside it. Documentation ranges (192.0.2.0/24, 2001:db8::/32...) count as public, which is what
 * tests want.
 */
public enum AddressScope {
    /** Globally routed: reachable, NAT and firewalls permitting, from anywhere. */
    PUBLIC,
    /** A private, shared (CGNAT) or unique-local range: reachable only from the same site. */
    PRIVATE,
    /** 169.254.0.0/16 or fe80::/10: only on the same link (and IPv6 link-local needs a scope the wire cannot carry). */
    LINK_LOCAL,
    /** 127.0.0.0/8 or ::1: only from the same machine. */
    LOOPBACK,
    /** Wildcard, multicast, broadcast, reserved: never a candidate. */
    UNUSABLE;

    public static AddressScope of(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isIpv4Mapped(b)) {
            b = Arrays.copyOfRange(b, 12, 16);
        }
        return b.length == 4 ? ofIpv4(b) : ofIpv6(b);
    }

    /**
     * Prefix length of the site a non-public address belongs to, -1 when it has none that pairing can trust: the whole
     * RFC 1918 block (10/8, 172.16/12, 192.168/16), 100.64/10, 169.254/16, 127/8, a unique-local /48 (its 40-bit
     * Global ID is random, so equal /48s are almost surely one site), ::1/128. IPv6 link-local addresses have none.
     */
    static int sitePrefixLength(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isIpv4Mapped(b)) {
            b = Arrays.copyOfRange(b, 12, 16);
        }
        int first = b[0] & 0xFF;
        if (b.length == 4) {
            return switch (ofIpv4(b)) {
                case LOOPBACK -> 8;
                case LINK_LOCAL -> 16;
                case PRIVATE -> first == 10 ? 8 : first == 172 ? 12 : first == 192 ? 16 : 10;
                default -> -1;
            };
        }
        return switch (ofIpv6(b)) {
            case LOOPBACK -> 128;
            case PRIVATE -> 48;
            default -> -1;
        };
    }

    /** {@code true} when both addresses are non-public and plausibly in the same site (same family, same prefix). */
    public static boolean sameSite(InetAddress a, InetAddress b) {
        int prefix = sitePrefixLength(a);
        if (prefix < 0 || prefix != sitePrefixLength(b) || (a instanceof Inet4Address) != (b instanceof Inet4Address)
                || of(a) != of(b)) {
            return false;
        }
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        int offset = x.length == 16 && isIpv4Mapped(x) ? 12 : 0;
        if (offset != (y.length == 16 && isIpv4Mapped(y) ? 12 : 0)) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int i = offset + bit / 8;
            int mask = 0x80 >>> (bit % 8);
            if ((x[i] & mask) != (y[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static AddressScope ofIpv4(byte[] b) {
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        if (first == 0 || first >= 224) {
            return UNUSABLE; // "this network", multicast, reserved, broadcast
        }
        if (first == 127) {
            return LOOPBACK;
        }
        if (first == 169 && second == 254) {
            return LINK_LOCAL;
        }
        if (first == 10 || (first == 172 && (second & 0xF0) == 16) || (first == 192 && second == 168)
                || (first == 100 && (second & 0xC0) == 64)) {
            return PRIVATE;
        }
        return PUBLIC;
    }

    private static AddressScope ofIpv6(byte[] b) {
        boolean zeroUpTo15 = true;
        for (int i = 0; i < 15; i++) {
            zeroUpTo15 &= b[i] == 0;
        }
        if (zeroUpTo15 && (b[15] == 0)) {
            return UNUSABLE;
        }
        if (zeroUpTo15 && b[15] == 1) {
            return LOOPBACK;
        }
        int first = b[0] & 0xFF;
        if (first == 0xFF) {
            return UNUSABLE;
        }
        if (first == 0xFE && (b[1] & 0xC0) == 0x80) {
            return LINK_LOCAL;
        }
        if ((first & 0xFE) == 0xFC) {
            return PRIVATE;
        }
        return PUBLIC;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }
}
