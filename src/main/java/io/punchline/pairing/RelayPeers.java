package io.punchline.pairing;

import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.RelayRequests;
import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.WireFormatException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Optional;

/**
 * Finding remembered peers through the relay (docs/SECURITY.md section 7.5). After each bind, an engine tells the
 * relay, on the bind's connection, which PeerIds may find it ({@link #allow}); a paired peer then asks for our current
 * bind address ({@link #find}). The relay answers only for a bound target that allowed the asker, rate limited.
 */
public final class RelayPeers {

    private RelayPeers() {
    }

    /** Replaces the relay's list of PeerIds that may find this connection's binds (at most 256). */
    public static void allow(RelayRequests relay, Collection<PeerId> finders) throws IOException {
        if (finders.size() > 256) {
            throw new IllegalArgumentException("at most 256 PeerIds may be allowed to find a bind");
        }
        ByteBuffer body = ByteBuffer.allocate(2 + finders.size() * PeerId.LENGTH).putShort((short) finders.size());
        finders.forEach(peer -> body.put(peer.bytes()));
        RelayRequests.Response response = relay.post(MailboxProtocol.PEERS_ALLOW, body.array());
        if (response.status() != 204 && response.status() != 200) {
            throw new IOException("the relay refused the list of peers allowed to find us: HTTP " + response.status());
        }
    }

    /**
     * The current bind address of {@code peer}, or empty when the relay does not know it for us (not bound there,
     * or it has not allowed us: the relay does not say which).
     *
     * @throws IOException on HTTP 429 (asked too often) or any other refusal
     */
    public static Optional<InetSocketAddress> find(RelayRequests relay, PeerId peer) throws IOException {
        RelayRequests.Response response = relay.post(MailboxProtocol.PEERS_FIND, peer.bytes());
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (response.status() == 429) {
            throw new IOException("the relay limits how often we may look up peers (HTTP 429); try again shortly");
        }
        if (response.status() != 200) {
            throw new IOException("the relay refused the peer lookup: HTTP " + response.status());
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(response.body());
            InetSocketAddress address = IpAddressCodec.readVersioned(in);
            if (address == null || in.hasRemaining()) {
                throw new WireFormatException("not one address");
            }
            return Optional.of(address);
        } catch (WireFormatException e) {
            throw new IOException("malformed peer lookup answer: " + e.getMessage(), e);
        }
    }
}
