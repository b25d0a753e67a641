package io.punchline.portmap;

import io.punchline.wire.WireFormatException;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * SSDP discovery, UPnP Device Architecture 2.0 section 1.3: the M-SEARCH request for an Internet Gateway Device and the
 * {@code LOCATION} of its answer ({@code HTTP/1.1 200 OK} and header lines). An answer is at most 2048 bytes; its
 * location must be an {@code http} URL, which {@link UpnpIgdClient} further requires to be on the gateway.
 */
public final class SsdpSearch {

    public static final InetSocketAddress MULTICAST = new InetSocketAddress("239.255.255.250", 1900);
    public static final String IGD = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
    static final int MAX_ANSWER = 2048;

    private SsdpSearch() {
    }

    public static byte[] request(String searchTarget) {
        return ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: "
                + searchTarget + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The description URL of an M-SEARCH answer. */
    public static URI location(byte[] data, int offset, int length) throws WireFormatException {
        if (length > MAX_ANSWER) {
            throw new WireFormatException("an SSDP answer of " + length + " bytes");
        }
        String[] lines = new String(data, offset, length, StandardCharsets.ISO_8859_1).split("\r?\n");
        if (lines.length == 0 || !lines[0].matches("HTTP/1\\.[01] 200( .*)?")) {
            throw new WireFormatException("not an SSDP answer");
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("location")) {
                return httpUrl(lines[i].substring(colon + 1).trim());
            }
        }
        throw new WireFormatException("an SSDP answer without LOCATION");
    }

    static URI httpUrl(String text) throws WireFormatException {
        try {
            URI uri = new URI(text);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new WireFormatException("not an http URL: " + text);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new WireFormatException("bad URL: " + e.getMessage());
        }
    }
}
