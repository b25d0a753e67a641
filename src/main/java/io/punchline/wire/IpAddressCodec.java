package io.punchline.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The project's one binary codec for an IP address and UDP port, as laid out by draft-ietf-masque-connect-udp-listen-13
 * section "Context Identifier Registration" (COMPRESSION_ASSIGN) and "HTTP Datagram Payload Formats" (uncompressed
 * payload): {@code IP Version (8), [IP Address (32..128)], [UDP Port (16)]}, network byte order. The NAT traversal
 * frames use the same address-then-port layout without the version byte.
 *
 * <p>An IPv6 address is always read as an {@link Inet6Address}, even an IPv4-mapped one, so that decoding then
 * encoding gives back the same bytes. Scope IDs are not carried.
 */
public final class IpAddressCodec {

    /** IP Version value of an uncompressed context registration: no address, no port follow. */
    public static final int IP_VERSION_NONE = 0;
    public static final int IP_VERSION_4 = 4;
    public static final int IP_VERSION_6 = 6;

    private IpAddressCodec() {
    }

    /** 4 or 6; {@link IllegalArgumentException} for an unresolved socket address. */
    public static int ipVersion(InetSocketAddress address) {
        InetAddress ip = resolved(address);
        return ip instanceof Inet4Address ? IP_VERSION_4 : IP_VERSION_6;
    }

    /** Bytes of address plus port: 6 or 18. */
    public static int addressAndPortLength(InetSocketAddress address) {
        return ipVersion(address) == IP_VERSION_4 ? 4 + 2 : 16 + 2;
    }

    /** Bytes of version byte, address and port: 1 for {@code null} (version 0), else 7 or 19. */
    public static int versionedLength(InetSocketAddress addressOrNull) {
        return addressOrNull == null ? 1 : 1 + addressAndPortLength(addressOrNull);
    }

    /** Writes {@code IP Address, UDP Port}. */
    public static void writeAddressAndPort(InetSocketAddress address, ByteBuffer out) {
        out.put(resolved(address).getAddress());
        out.putShort((short) address.getPort());
    }

    /** Writes {@code IP Version, [IP Address], [UDP Port]}; {@code null} writes version 0 alone. */
    public static void writeVersioned(InetSocketAddress addressOrNull, ByteBuffer out) {
        if (addressOrNull == null) {
            out.put((byte) IP_VERSION_NONE);
            return;
        }
        out.put((byte) ipVersion(addressOrNull));
        writeAddressAndPort(addressOrNull, out);
    }

    /** Array form of {@link #writeVersioned} for the per-packet path; returns the offset after the written bytes. */
    public static int writeVersioned(InetSocketAddress address, byte[] out, int offset) {
        byte[] ip = resolved(address).getAddress();
        out[offset++] = (byte) (ip.length == 4 ? IP_VERSION_4 : IP_VERSION_6);
        System.arraycopy(ip, 0, out, offset, ip.length);
        offset += ip.length;
        out[offset++] = (byte) (address.getPort() >>> 8);
        out[offset++] = (byte) address.getPort();
        return offset;
    }

    /** Reads {@code IP Address, UDP Port} for version 4 or 6. */
    public static InetSocketAddress readAddressAndPort(int ipVersion, ByteBuffer in) throws WireFormatException {
        int addressLength = switch (ipVersion) {
            case IP_VERSION_4 -> 4;
            case IP_VERSION_6 -> 16;
            default -> throw new WireFormatException("IP Version must be 4 or 6, not " + ipVersion);
        };
        if (in.remaining() < addressLength + 2) {
            throw new WireFormatException("truncated IPv" + ipVersion + " address and port: " + in.remaining()
                    + " bytes left, " + (addressLength + 2) + " needed");
        }
        byte[] ip = new byte[addressLength];
        in.get(ip);
        int port = in.getShort() & 0xFFFF;
        return new InetSocketAddress(toInetAddress(ip), port);
    }

    /** Reads {@code IP Version, [IP Address], [UDP Port]}; version 0 gives {@code null}. */
    public static InetSocketAddress readVersioned(ByteBuffer in) throws WireFormatException {
        if (!in.hasRemaining()) {
            throw new WireFormatException("missing IP Version byte");
        }
        int ipVersion = in.get() & 0xFF;
        if (ipVersion == IP_VERSION_NONE) {
            return null;
        }
        return readAddressAndPort(ipVersion, in);
    }

    /** 4 bytes give an {@link Inet4Address}, 16 an {@link Inet6Address} (never converted to IPv4). */
    public static InetAddress toInetAddress(byte[] ip) {
        try {
            return ip.length == 16 ? Inet6Address.getByAddress(null, ip, -1) : InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + ip.length, e);
        }
    }

    /**
     * {@code address} without an IPv6 scope ID of 0: sockets report IPv6 sources with one set (printed as
     * {@code %0}), which says nothing; a real zone (a link-local address's interface) is kept. Equality is unchanged
     * (it ignores scope IDs).
     */
    public static InetSocketAddress withoutZeroScope(InetSocketAddress address) {
        if (address == null || !(address.getAddress() instanceof Inet6Address v6) || v6.getScopeId() != 0
                || !v6.getHostAddress().endsWith("%0")) {
            return address;
        }
        return new InetSocketAddress(toInetAddress(v6.getAddress()), address.getPort());
    }

    /**
     * The address itself, or for an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, RFC 4291 section 2.5.5.2) the
     * IPv4 address it holds, same port: what a dual-stack socket sends to and hears from, so that one IPv4 peer is one
     * address. The decoders above keep the mapped form (bytes round-trip); code that compares addresses calls this.
     */
    public static InetSocketAddress unmapped(InetSocketAddress address) {
        InetAddress ip = address == null ? null : address.getAddress();
        if (!(ip instanceof Inet6Address)) {
            return address;
        }
        byte[] b = ip.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return address;
            }
        }
        if ((b[10] & 0xFF) != 0xFF || (b[11] & 0xFF) != 0xFF) {
            return address;
        }
        return new InetSocketAddress(toInetAddress(new byte[] {b[12], b[13], b[14], b[15]}), address.getPort());
    }

    private static InetAddress resolved(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address cannot be encoded: " + address);
        }
        return ip;
    }
}
