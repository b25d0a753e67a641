package io.punchline.masque;

import io.punchline.wire.IpLiteral;
import io.punchline.wire.WireFormatException;
import java.net.InetSocketAddress;

/**
 * RFC 9298 section 3, the default URI template {@code /.well-known/masque/udp/{target_host}/{target_port}/}, and the
 * bind form of draft-ietf-masque-connect-udp-listen-13, "Requesting bind": both variables "*" (percent-encoded as
 * {@code %2A}) means bind with no target; only one of them "*" is malformed and the proxy answers with an error,
 * SHOULD be 400. {@code target_host} is a DNS name or an IP literal whose IPv6 colons are percent-encoded; neither
 * variable may be empty; the port is 1..65535.
 *
 * <p>On receipt, a raw ":" or "*" is accepted as well as the encoded forms: RFC 3986 allows both in a path segment,
 * and the client-side MUST (encode them) is not the proxy's to enforce. Any error is a malformed request (400).
 */
public final class UdpProxyingPath {

    public static final String PREFIX = "/.well-known/masque/udp/";

    private UdpProxyingPath() {
    }

    /** {@code true} when the path is under the well-known prefix, so that {@link #parse} applies to it. */
    public static boolean matches(String path) {
        return path.startsWith(PREFIX);
    }

    /** The target named by a request's {@code :path}; {@link WireFormatException} when malformed. */
    public static UdpTarget parse(String path) throws WireFormatException {
        if (!matches(path)) {
            throw new WireFormatException("path is not under " + PREFIX);
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || !rest.endsWith("/") || rest.indexOf('/', slash + 1) != rest.length() - 1) {
            throw new WireFormatException("path is not " + PREFIX + "{target_host}/{target_port}/");
        }
        String host = percentDecode(rest.substring(0, slash), "target_host");
        String port = percentDecode(rest.substring(slash + 1, rest.length() - 1), "target_port");
        boolean anyHost = host.equals("*");
        boolean anyPort = port.equals("*");
        if (anyHost && anyPort) {
            return UdpTarget.BIND_ANY;
        }
        if (anyHost || anyPort) {
            throw new WireFormatException("only one of target_host and target_port is \"*\"");
        }
        if (!IpLiteral.isLiteral(host) && !isDnsName(host)) {
            throw new WireFormatException("target_host is neither a DNS name nor an IP literal");
        }
        return new UdpTarget(host, parsePort(port));
    }

    /** The path a client requests to bind with no target: {@code /.well-known/masque/udp/%2A/%2A/}. */
    public static String bindAny() {
        return PREFIX + "%2A/%2A/";
    }

    /** The path for a target given as a DNS name or an IP literal (IPv6 without brackets). */
    public static String forTarget(String host, int port) {
        if ((!IpLiteral.isLiteral(host) && !isDnsName(host)) || port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a UDP target: " + host + " port " + port);
        }
        return PREFIX + percentEncode(host) + "/" + port + "/";
    }

    /** The path for a resolved target. */
    public static String forTarget(InetSocketAddress target) {
        if (target.getAddress() == null) {
            return forTarget(target.getHostString(), target.getPort());
        }
        return forTarget(IpLiteral.format(target.getAddress()), target.getPort());
    }

    /** Decimal port 1..65535, digits only. */
    static int parsePort(String text) throws WireFormatException {
        if (text.isEmpty() || text.length() > 5) {
            throw new WireFormatException("port must be 1 to 5 digits");
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new WireFormatException("port is not decimal digits");
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw new WireFormatException("port outside 1..65535: " + port);
        }
        return port;
    }

    /** LDH labels (underscore tolerated) of 1..63 characters, 253 characters at most, optional final dot. */
    static boolean isDnsName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        int labelLength = 0;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '.') {
                if (labelLength == 0 || n.charAt(i - 1) == '-') {
                    return false;
                }
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || (c == '-' && labelLength > 0)) {
                if (++labelLength > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return labelLength > 0 && n.charAt(n.length() - 1) != '-';
    }

    private static String percentDecode(String segment, String variable) throws WireFormatException {
        if (segment.isEmpty()) {
            throw new WireFormatException(variable + " is empty");
        }
        StringBuilder out = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(segment.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0 || segment.charAt(i + 1) > 'f' || segment.charAt(i + 2) > 'f') {
                    throw new WireFormatException("bad percent-encoding in " + variable);
                }
                c = (char) (hi * 16 + lo);
                i += 2;
            }
            if (c < 0x21 || c > 0x7E) {
                throw new WireFormatException(variable + " has a character outside 0x21..0x7E");
            }
            out.append(c);
        }
        return out.toString();
    }

    /** RFC 6570 simple expansion: everything but unreserved characters is percent-encoded. */
    private static String percentEncode(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (char c : value.toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
