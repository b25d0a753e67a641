package io.punchline.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * Textual IP address literals as RFC 3986 section 3.2.2 defines them ({@code IPv4address}: four decimal octets without
 * leading zeros; {@code IPv6address}: eight hex groups with at most one "::" and an optional trailing IPv4 part), parsed
 * without ever asking DNS, and IPv6 formatted in the RFC 5952 canonical form. Zone IDs are not accepted.
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** Parses an IPv4 or IPv6 literal (IPv6 without brackets); {@link WireFormatException} when it is neither. */
    public static InetAddress parse(String text) throws WireFormatException {
        byte[] v4 = parseIpv4(text);
        if (v4 != null) {
            return IpAddressCodec.toInetAddress(v4);
        }
        byte[] v6 = parseIpv6(text);
        if (v6 != null) {
            return IpAddressCodec.toInetAddress(v6);
        }
        throw new WireFormatException("not an IP address literal: " + printable(text));
    }

    /** {@code true} when {@code text} is an IPv4 or IPv6 literal. */
    public static boolean isLiteral(String text) {
        return parseIpv4(text) != null || parseIpv6(text) != null;
    }

    /** Dotted quad for IPv4, RFC 5952 form (lower case, longest zero run as "::") for IPv6. */
    public static String format(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: "::" MUST NOT shorten a single 16-bit 0 field
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** RFC 3986 {@code host} form: IPv6 in brackets. */
    public static String formatForUri(InetAddress address) {
        return address instanceof Inet6Address ? "[" + format(address) + "]" : format(address);
    }

    static byte[] parseIpv4(String text) {
        byte[] out = new byte[4];
        int octet = 0;
        int i = 0;
        int n = text.length();
        while (octet < 4) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return null;
            }
            out[octet++] = (byte) value;
            if (octet < 4) {
                if (i >= n || text.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == n ? out : null;
    }

    static byte[] parseIpv6(String text) {
        int n = text.length();
        if (n < 2 || n > 45) {
            return null;
        }
        byte[] out = new byte[16];
        int groups = 0;
        int doubleColonAt = -1;
        int i = 0;
        if (text.startsWith("::")) {
            doubleColonAt = 0;
            i = 2;
            if (i == n) {
                return out;
            }
        } else if (text.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (groups == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 4 && hexValue(text.charAt(i)) >= 0) {
                value = (value << 4) | hexValue(text.charAt(i));
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                // trailing IPv4 part, in place of the last two groups
                byte[] v4 = groups <= 6 ? parseIpv4(text.substring(start)) : null;
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, 2 * groups, 4);
                groups += 2;
                i = n;
                break;
            }
            if (i == start) {
                return null;
            }
            out[2 * groups] = (byte) (value >>> 8);
            out[2 * groups + 1] = (byte) value;
            groups++;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (doubleColonAt >= 0) {
                    return null;
                }
                doubleColonAt = groups;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null; // single trailing colon
            }
        }
        if (doubleColonAt < 0) {
            return groups == 8 ? out : null;
        }
        if (groups > 7) {
            return null;
        }
        int tail = groups - doubleColonAt;
        System.arraycopy(out, 2 * doubleColonAt, out, 16 - 2 * tail, 2 * tail);
        Arrays.fill(out, 2 * doubleColonAt, 16 - 2 * tail, (byte) 0);
        return out;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        StringBuilder b = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }
}
