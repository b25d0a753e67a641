package io.punchline.portmap;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The IPv4 default route's next hop, the gateway PCP, NAT-PMP and UPnP-IGD requests go to (RFC 6886 section 3: "the
 * client sends its request to its default gateway"). Read from Linux's {@code /proc/net/route}: the up route with
 * destination and mask 0 and the gateway flag, lowest metric first; addresses there are hexadecimal in host (little
 * endian) byte order. Elsewhere there is no such file and no gateway is found.
 */
public final class DefaultGateway {

    static final Path ROUTES = Path.of("/proc/net/route");
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private DefaultGateway() {
    }

    /** The gateway of this host's IPv4 default route, if the OS tells. */
    public static Optional<Inet4Address> find() {
        if (!Files.isReadable(ROUTES)) {
            return Optional.empty();
        }
        try {
            return parse(Files.readString(ROUTES));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The default route's gateway in the text of {@code /proc/net/route}. */
    static Optional<Inet4Address> parse(String table) {
        Inet4Address best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface")) {
                continue;
            }
            try {
                long destination = Long.parseLong(f[1], 16);
                long gateway = Long.parseLong(f[2], 16);
                int flags = Integer.parseInt(f[3], 16);
                long metric = Long.parseLong(f[6]);
                long mask = Long.parseLong(f[7], 16);
                if (destination == 0 && mask == 0 && gateway != 0 && (flags & (RTF_UP | RTF_GATEWAY)) == (RTF_UP | RTF_GATEWAY)
                        && metric < bestMetric && gateway <= 0xFFFFFFFFL) {
                    best = littleEndian(gateway);
                    bestMetric = metric;
                }
            } catch (NumberFormatException e) {
                // not a route line
            }
        }
        return Optional.ofNullable(best);
    }

    private static Inet4Address littleEndian(long value) {
        byte[] b = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
