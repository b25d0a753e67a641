package io.punchline.masque;

import io.punchline.tls.CertificateFingerprint;

import java.net.InetSocketAddress;

/**
 * How a client reaches and pins a relay: {@code HOST:PORT#FINGERPRINT}, as {@code punchline relay} prints it. The
 * fingerprint is the SHA-256 of the relay's TLS certificate (see {@link CertificateFingerprint}).
 */
public record RelayAddress(String host, int port, CertificateFingerprint fingerprint) {

    public RelayAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("relay address without a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("relay port must be between 1 and 65535, not " + port);
        }
    }

    /** Parses {@code HOST:PORT#FINGERPRINT} ({@code [IPV6]:PORT#...} for IPv6); messages say what is wrong. */
    public static RelayAddress parse(String text) {
        String trimmed = text.trim();
        int hash = trimmed.indexOf('#');
        if (hash < 0) {
            throw new IllegalArgumentException("relay address '" + text + "' has no #FINGERPRINT; use HOST:PORT#FINGERPRINT as the relay printed it");
        }
        String hostPort = trimmed.substring(0, hash);
        CertificateFingerprint fingerprint = CertificateFingerprint.parse(trimmed.substring(hash + 1));
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("relay address '" + text + "' has no :PORT");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("relay address '" + text + "': the port is not a number");
        }
        return new RelayAddress(host, port, fingerprint);
    }

    public static RelayAddress of(InetSocketAddress address, CertificateFingerprint fingerprint) {
        return new RelayAddress(address.getAddress().getHostAddress(), address.getPort(), fingerprint);
    }

    /** The host as it goes into a URI or an authority: IPv6 literals in brackets. */
    public String authorityHost() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    public String authority() {
        return authorityHost() + ":" + port;
    }

    @Override
    public String toString() {
        return authority() + "#" + fingerprint;
    }
}
