package io.punchline.masque;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * What reaches a bind client from its relay, in QUIC DATAGRAM frames or DATAGRAM capsules: HTTP datagrams of its
 * request (RFC 9297 section 2.1), read by their Context ID (draft-ietf-masque-connect-udp-listen-13 section 5) and
 * handed to the listener with their source. The bind's own keepalives, one byte from its own public address, are
 * dropped; so are unknown and closed Context IDs. Context ID 0 on a bind to any target aborts the request.
 */
final class BindInbound {

    private static final Logger LOG = LoggerFactory.getLogger(BindInbound.class);

    private final long quarterStreamId;
    private final ContextRegistry contexts;
    private final List<InetSocketAddress> publicAddresses;
    private final BindClient.Listener listener;
    private final Consumer<String> abort;

    /** @param abort aborts the request stream with the reason given */
    BindInbound(long quarterStreamId, ContextRegistry contexts, List<InetSocketAddress> publicAddresses,
                BindClient.Listener listener, Consumer<String> abort) {
        this.quarterStreamId = quarterStreamId;
        this.contexts = contexts;
        this.publicAddresses = publicAddresses;
        this.listener = listener;
        this.abort = abort;
    }

    /** A QUIC DATAGRAM frame's content: an HTTP datagram, for this request or another one (then ignored). */
    void onDatagram(byte[] datagram) {
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        try {
            long qsid = QuicVarint.decode(buffer);
            if (qsid != quarterStreamId) {
                return;
            }
            deliver(datagram, buffer);
        } catch (WireFormatException e) {
            LOG.debug("dropped malformed datagram from relay: {}", e.getMessage());
        }
    }

    /** A DATAGRAM capsule's payload: an HTTP datagram payload, from its Context ID. */
    void onDatagramCapsule(byte[] payload) throws WireFormatException {
        deliver(payload, ByteBuffer.wrap(payload));
    }

    /** {@code buffer} is positioned at the Context ID of an HTTP datagram payload inside {@code array}. */
    private void deliver(byte[] array, ByteBuffer buffer) throws WireFormatException {
        long contextId = QuicVarint.decode(buffer);
        ContextLookup lookup = contexts.lookup(contextId);
        switch (lookup.kind()) {
            case UNCOMPRESSED -> {
                InetSocketAddress source = IpAddressCodec.readVersioned(buffer);
                if (source != null && !isOwnKeepalive(source, buffer)) {
                    listener.onPayload(source, array, buffer.position(), buffer.remaining());
                }
            }
            case COMPRESSED -> {
                if (!isOwnKeepalive(lookup.target(), buffer)) {
                    listener.onPayload(lookup.target(), array, buffer.position(), buffer.remaining());
                }
            }
            case ABORT_STREAM -> abort.accept("relay sent Context ID 0 on a bind-any request");
            default -> {
                // unknown or closed Context ID: dropped
            }
        }
    }

    private boolean isOwnKeepalive(InetSocketAddress source, ByteBuffer payload) {
        return payload.remaining() == 1 && publicAddresses.contains(source);
    }
}
