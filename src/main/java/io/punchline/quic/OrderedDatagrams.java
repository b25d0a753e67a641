package io.punchline.quic;

import tech.kwik.core.QuicConnection;
import tech.kwik.core.impl.QuicConnectionImpl;

/**
 * Sends QUIC DATAGRAM frames (RFC 9221) in the order they are given.
 *
 * <p>kwik 0.10.8's {@code sendDatagram} puts each frame at the head of its send queue, so whenever more than one waits,
 * they leave newest first. A relay hop carries other QUIC connections' packets in datagrams, and reordering them makes
 * those connections declare packets lost (RFC 9002's packet threshold of 3) and shrink their windows. Queued through
 * kwik's ordinary frame path instead, datagrams keep their order; each goes on the wire once
 * ({@link UnrepeatedDatagramFrame}).
 */
public final class OrderedDatagrams {

    private OrderedDatagrams() {
    }

    public static void send(QuicConnection connection, byte[] datagram) {
        if (connection instanceof QuicConnectionImpl impl && impl.isDatagramExtensionEnabled()) {
            impl.send(new UnrepeatedDatagramFrame(datagram), lost -> { }, true);
        } else {
            connection.sendDatagram(datagram);
        }
    }
}
