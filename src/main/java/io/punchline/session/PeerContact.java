package io.punchline.session;

import io.punchline.crypto.PeerId;
import io.punchline.masque.RelayAddress;
import io.punchline.wire.IpLiteral;
import io.punchline.wire.WireFormatException;

import java.net.InetSocketAddress;

/**
 * What a dialler needs to reach a peer: the peer's PeerId (checked in the post-quantum handshake), its public bind
 * address on its relay (the stable address its peer connections use, docs/ARCHITECTURE.md, "Peer connections"), and the relay itself with
 * its pins. Written {@code PEER_FINGERPRINT@BIND_IP:PORT@RELAY_HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID}, as
 * {@code punchline listen} prints it.
 */
public record PeerContact(PeerId peer, InetSocketAddress bindAddress, RelayAddress relay) {

    /** Parses the printed form; {@link IllegalArgumentException} says which part is wrong. */
    public static PeerContact parse(String text) {
        String[] parts = text.trim().split("@", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a contact is PEER@BIND_ADDRESS@RELAY (three parts separated by '@')");
        }
        PeerId peer;
        try {
            peer = PeerId.parse(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("contact: the peer fingerprint is not valid: " + e.getMessage());
        }
        return new PeerContact(peer, parseAddress(parts[1]), RelayAddress.parse(parts[2]));
    }

    static InetSocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("contact: '" + text + "' is not IP:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("contact: port out of range in '" + text + "'");
            }
            return new InetSocketAddress(IpLiteral.parse(host), port);
        } catch (NumberFormatException | WireFormatException e) {
            throw new IllegalArgumentException("contact: '" + text + "' is not IP:PORT");
        }
    }

    @Override
    public String toString() {
        return peer.fingerprint() + "@" + IpLiteral.formatForUri(bindAddress.getAddress()) + ":" + bindAddress.getPort()
                + "@" + relay;
    }
}
