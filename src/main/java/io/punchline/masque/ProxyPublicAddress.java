package io.punchline.masque;

import io.punchline.wire.IpLiteral;
import io.punchline.wire.WireFormatException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.OuterList;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.StringItem;

/**
 * draft-ietf-masque-connect-udp-listen-13, "The Proxy-Public-Address Response Header Field": a Structured Field List
 * (RFC 8941) whose members are sf-Strings holding {@code ip-port-tuple = ( IP-literal / IPv4address ) ":" port}
 * (RFC 3986 section 3.2), e.g. {@code "192.0.2.45:54321", "[2001:db8::1234]:54321"}. The proxy MUST announce at least
 * one. Member parameters are ignored; a member that is not a String, or not an IP literal and port 1..65535, makes the
 * whole field invalid. List syntax is parsed by the org.greenbytes.http:structured-fields library.
 */
public final class ProxyPublicAddress {

    private ProxyPublicAddress() {
    }

    /** The field value for the given tuples, IPv6 in RFC 5952 form. */
    public static String format(List<InetSocketAddress> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("the proxy MUST announce at least one public address");
        }
        return addresses.stream().map(a -> {
            if (a.getAddress() == null || a.getPort() == 0) {
                throw new IllegalArgumentException("not an announceable address: " + a);
            }
            return "\"" + IpLiteral.formatForUri(a.getAddress()) + ":" + a.getPort() + "\"";
        }).collect(Collectors.joining(", "));
    }

    /** Parses all lines of the field, in order; {@link WireFormatException} when the field is invalid or empty. */
    public static List<InetSocketAddress> parse(List<String> fieldLines) throws WireFormatException {
        OuterList list;
        try {
            list = new Parser(fieldLines.stream().map(StructuredFieldText::trimSp).toArray(String[]::new)).parseList();
        } catch (IllegalArgumentException e) { // the library's ParseException
            throw new WireFormatException("proxy-public-address is not a Structured Field List: " + e.getMessage());
        }
        List<InetSocketAddress> addresses = new ArrayList<>(list.get().size());
        for (ListElement<?> member : list.get()) {
            if (!(member instanceof StringItem text)) {
                throw new WireFormatException("proxy-public-address member is not a String: " + member.serialize());
            }
            addresses.add(parseTuple(text.get()));
        }
        if (addresses.isEmpty()) {
            throw new WireFormatException("proxy-public-address announces no address");
        }
        return addresses;
    }

    /** {@link #parse(List)} for a single field line. */
    public static List<InetSocketAddress> parse(String fieldValue) throws WireFormatException {
        return parse(List.of(fieldValue));
    }

    /** {@code 192.0.2.45:54321} or {@code [2001:db8::1]:54321}. */
    static InetSocketAddress parseTuple(String tuple) throws WireFormatException {
        int colon = tuple.lastIndexOf(':');
        if (colon < 0) {
            throw new WireFormatException("no port in " + quoted(tuple));
        }
        String host = tuple.substring(0, colon);
        InetAddress address;
        if (host.startsWith("[") && host.endsWith("]")) {
            address = IpLiteral.parse(host.substring(1, host.length() - 1));
            if (!(address instanceof Inet6Address)) {
                throw new WireFormatException("bracketed host is not an IPv6 literal: " + quoted(tuple));
            }
        } else {
            address = IpLiteral.parse(host);
            if (address instanceof Inet6Address) {
                throw new WireFormatException("IPv6 literal must be in brackets: " + quoted(tuple));
            }
        }
        return new InetSocketAddress(address, UdpProxyingPath.parsePort(tuple.substring(colon + 1)));
    }

    private static String quoted(String text) {
        return "\"" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "\"";
    }
}
