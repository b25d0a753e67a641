package io.punchline.path;

import io.netty.buffer.ByteBuf;
import io.punchline.quic.HandshakeGroups;
import io.punchline.quic.InitialPackets;
import io.punchline.quic.TlsGroup;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads which TLS key-exchange group each peer connection's QUIC handshake used, from its Initial packets, which
 * anyone on the path can decrypt (RFC 9001 section 5.2): quiche's API does not say, and the session's event and
 * docs/SECURITY.md must (X25519MLKEM768 is offered first). The client's first Initial names the connection ID the
 * Initial keys come from; the server's first Initial holds the ServerHello with the selected group. Both pass through
 * the engine socket's demultiplexer, in one direction or the other depending on which side dialled. Only long-header
 * Initial packets are looked at: a handful per connection.
 */
final class HandshakeWitness {

    private static final int MAX_TRACKED = 1024;
    private static final int INITIAL_TYPE_MASK = 0xf0;
    private static final int INITIAL_V1 = 0xc0;

    private final Map<InetSocketAddress, byte[]> clientConnectionIds = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, TlsGroup> groups = new ConcurrentHashMap<>();

    /** A datagram this engine sends to {@code peer} (a virtual address), or receives from it. */
    void observe(InetSocketAddress peer, ByteBuf datagram) {
        if (datagram.readableBytes() < 7 || (datagram.getByte(datagram.readerIndex()) & INITIAL_TYPE_MASK) != INITIAL_V1) {
            return;
        }
        byte[] data = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), data);
        byte[] clientId = clientConnectionIds.get(peer);
        if (clientId != null) {
            Optional<TlsGroup> group = HandshakeGroups.fromServerInitial(clientId, data);
            if (group.isPresent()) {
                groups.put(peer, group.get());
                clientConnectionIds.remove(peer);
                return;
            }
        }
        // not (yet) a readable server Initial: a client's Initial names the ID the keys come from
        Optional<byte[]> id = InitialPackets.firstInitialDestinationConnectionId(data);
        // (the first one only: a client's later Initials carry the server's chosen ID instead)
        if (clientId == null && id.isPresent() && id.get().length > 0 && !groups.containsKey(peer)) {
            if (clientConnectionIds.size() >= MAX_TRACKED) {
                clientConnectionIds.clear();
            }
            clientConnectionIds.putIfAbsent(peer, id.get());
        }
    }

    /** The group the handshake with {@code peer} used, once its server Initial went by. */
    Optional<TlsGroup> group(InetSocketAddress peer) {
        return Optional.ofNullable(groups.get(peer));
    }

    void forget(InetSocketAddress peer) {
        groups.remove(peer);
        clientConnectionIds.remove(peer);
    }
}
