package io.punchline.relay;

import io.punchline.masque.Capsule;
import io.punchline.masque.CompressedPayload;
import io.punchline.masque.ContextLookup;
import io.punchline.masque.ContextRegistry;
import io.punchline.masque.ReplyBacklogExceededException;
import io.punchline.masque.TunnelStream;
import io.punchline.masque.UncompressedPayload;
import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.OptionalLong;

/**
 * A connect-udp-bind request (draft-ietf-masque-connect-udp-listen-13 sections 4 and 5): the request's context table,
 * registered by the client's capsules, decides where its payloads go and which senders may reach it.
 *
 * <p>From the client: payloads to the target in the uncompressed header or implied by a compressed Context ID; Context
 * ID 0 goes to the URI target when one was given. To the client: packets arriving on the socket are sent with the
 * compressed Context ID registered for their source, else the uncompressed one, else dropped.
 */
final class BindTunnel extends UdpTunnel {

    @Override
    boolean closesWhenIdle() {
        return false;
    }

    private final ContextRegistry contexts;

    BindTunnel(RelayConnection connection, TunnelStream stream, DatagramChannel socket, List<InetSocketAddress> publicAddresses,
               InetSocketAddress uriTarget, Runnable onClosed) {
        super(connection, stream, socket, publicAddresses, uriTarget, onClosed);
        RelayContext relay = connection.relay();
        int maxContexts = relay.config().maxContextsPerSession();
        this.contexts = new ContextRegistry(ContextRegistry.Role.PROXY,
                new ContextRegistry.Limits(maxContexts, maxContexts, 4 * maxContexts), uriTarget != null,
                target -> allowedFamily(target) && (isRelayBind(target) || relay.targetPolicy().allows(target)));
    }

    @Override
    void fromClientPayload(byte[] datagram, int offset) throws WireFormatException {
        ByteBuffer buffer = ByteBuffer.wrap(datagram, offset, datagram.length - offset);
        long contextId = QuicVarint.decode(buffer);
        ContextLookup lookup = contexts.lookup(contextId);
        switch (lookup.kind()) {
            case URI_TARGET -> forward(uriTarget, datagram, buffer.position(), buffer.remaining());
            case ABORT_STREAM -> abort("HTTP datagram with Context ID 0 on a bind-any request");
            case UNCOMPRESSED -> {
                InetSocketAddress target = IpAddressCodec.readVersioned(buffer);
                if (target == null) {
                    abort("uncompressed datagram with IP Version 0");
                    return;
                }
                forward(target, datagram, buffer.position(), buffer.remaining());
            }
            case COMPRESSED -> forward(lookup.target(), datagram, buffer.position(), buffer.remaining());
            default -> {
                // unknown ID: dropped (RFC 9298 section 4); closed ID: discarded (draft editor's copy)
            }
        }
    }

    /** Contexts the client has registered and not closed. */
    int openContexts() {
        return contexts.openContexts();
    }

    @Override
    void onControlCapsule(Capsule capsule) throws IOException, WireFormatException, ReplyBacklogExceededException {
        List<Capsule> replies = contexts.receive(capsule);
        if (!replies.isEmpty()) {
            stream.writeCapsules(replies);
            contexts.repliesWritten(replies.size());
        }
    }

    /**
     * A single failed send to (or receive from) one of many peers of a bind socket says nothing about the others, so
     * a bind keeps going, unlike RFC 9298 section 3.3's plain tunnel.
     */
    @Override
    public void socketFailed(String why) {
    }

    @Override
    byte[] toClientDatagram(InetSocketAddress source, byte[] data, int offset, int length) {
        long quarterStreamId = stream.quarterStreamId();
        OptionalLong contextId = contexts.contextFor(source);
        if (contextId.isEmpty()) {
            if (uriTarget != null && source.equals(uriTarget)) {
                return CompressedPayload.toDatagram(quarterStreamId, 0, data, offset, length);
            }
            return null; // no registration admits this sender (draft section 5)
        }
        long id = contextId.getAsLong();
        return contexts.lookup(id).kind() == ContextLookup.Kind.UNCOMPRESSED
                ? UncompressedPayload.toDatagram(quarterStreamId, id, source, data, offset, length)
                : CompressedPayload.toDatagram(quarterStreamId, id, data, offset, length);
    }

    private boolean isRelayBind(InetSocketAddress target) {
        return connection.relay().directory().tunnelAt(target) != null;
    }

    /**
     * Draft section 4: a proxy that announced one address family rejects registrations of the other; one that
     * announced both (a dual-stack socket) takes either.
     */
    private boolean allowedFamily(InetSocketAddress target) {
        return publicAddresses().stream().anyMatch(a -> a.getAddress().getClass() == target.getAddress().getClass());
    }
}
