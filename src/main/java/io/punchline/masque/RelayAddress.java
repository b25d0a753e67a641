package io.punchline.masque;

import io.punchline.crypto.PeerId;
import io.punchline.tls.CertificateFingerprint;
import io.punchline.wire.IpLiteral;

import java.net.InetSocketAddress;

/**
 * How a client reaches and pins a relay: {@code HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID}, as {@code punchline relay}
 * prints it. The TLS fingerprint is the SHA-256 of the relay's TLS certificate (see {@link CertificateFingerprint});
 * the relay PeerId is the fingerprint of its ML-DSA-65 identity, which the relay proves in relay authentication
 * (docs/SECURITY.md section 6).
 *
 * <p>The older two-part form {@code HOST:PORT#TLS_FINGERPRINT} still parses, with no relay PeerId: enough for an
 * anonymous bind on a relay started with {@code --allow-anonymous}, not for an authenticated one.
 *
 * @param relayPeer the relay's pinned PeerId; null only for the two-part form
 */
public record RelayAddress(String host, int port, CertificateFingerprint fingerprint, PeerId relayPeer) {

    private static final String FORM = "HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID";

    public RelayAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("relay address without a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("relay port must be between 1 and 65535, not " + port);
        }
        if (fingerprint == null) {
            throw new IllegalArgumentException("relay address without a TLS fingerprint");
        }
    }

    /**
     * Parses {@code HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID} ({@code [IPV6]:PORT#...} for IPv6), or the two-part form
     * without the PeerId; messages say what is wrong.
     */
    public static RelayAddress parse(String text) {
        if (text.indexOf(',') >= 0) {
            throw new IllegalArgumentException("relay address '" + text + "' is a list of relays; one relay ("
                    + FORM + ") is expected here");
        }
        String[] parts = text.trim().split("#", -1);
        if (parts.length < 2) {
            throw new IllegalArgumentException("relay address '" + text + "' has no #TLS_FINGERPRINT; use " + FORM
                    + " as the relay printed it");
        }
        if (parts.length > 3) {
            throw new IllegalArgumentException("relay address '" + text + "' has more than three '#'-separated parts; use "
                    + FORM);
        }
        CertificateFingerprint fingerprint = CertificateFingerprint.parse(parts[1]);
        PeerId relayPeer = null;
        if (parts.length == 3) {
            try {
                relayPeer = PeerId.parse(parts[2].trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("relay address '" + text + "': the relay PeerId is not valid ("
                        + e.getMessage() + ")");
            }
        }
        String hostPort = parts[0];
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
        return new RelayAddress(host, port, fingerprint, relayPeer);
    }

    /**
     * The relay at {@code address}, an IPv6 one in RFC 5952 form without a zone ({@code [2001:db8::1]:4433} once
     * printed).
     *
     * @param relayPeer the relay's PeerId, or null for an anonymous-only address
     */
    public static RelayAddress of(InetSocketAddress address, CertificateFingerprint fingerprint, PeerId relayPeer) {
        return new RelayAddress(IpLiteral.format(address.getAddress()), address.getPort(), fingerprint, relayPeer);
    }

    /** The same relay without its PeerId, as a standard MASQUE client knows it. */
    public RelayAddress withoutRelayPeer() {
        return new RelayAddress(host, port, fingerprint, null);
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
        return authority() + "#" + fingerprint + (relayPeer != null ? "#" + relayPeer.fingerprint() : "");
    }
}
