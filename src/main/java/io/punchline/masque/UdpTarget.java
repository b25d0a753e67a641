package io.punchline.masque;

/**
 * The target of a UDP proxying request (RFC 9298 section 3), or, with both template variables set to "*", a bind with
 * no target (draft-ietf-masque-connect-udp-listen-13, "Requesting bind").
 *
 * @param host a DNS name or an IP literal (IPv6 without brackets); "*" for {@link #BIND_ANY}
 * @param port 1..65535; 0 for {@link #BIND_ANY}
 */
public record UdpTarget(String host, int port) {

    public static final UdpTarget BIND_ANY = new UdpTarget("*", 0);

    public UdpTarget {
        if (!"*".equals(host) || port != 0) {
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("not a UDP target: " + host + " port " + port);
            }
        }
    }

    public boolean isBindAny() {
        return "*".equals(host) && port == 0;
    }
}
