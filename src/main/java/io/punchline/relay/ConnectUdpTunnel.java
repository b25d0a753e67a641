package io.punchline.relay;

import io.punchline.masque.Capsule;
import io.punchline.masque.CompressedPayload;
import io.punchline.masque.TunnelStream;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;

import java.net.InetSocketAddress;
import java.util.List;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A plain CONNECT-UDP request (RFC 9298): one target, named in the URI. Only Context ID 0 is defined (section 4);
 * payloads under it go to the target, and only the target's packets come back (section 3.3).
 */
final class ConnectUdpTunnel extends UdpTunnel {

    @Override
    boolean closesWhenIdle() {
        return true;
    }

    ConnectUdpTunnel(RelayConnection connection, TunnelStream stream, DatagramChannel socket,
                     List<InetSocketAddress> publicAddresses, InetSocketAddress uriTarget, Runnable onClosed) {
        super(connection, stream, socket, publicAddresses, uriTarget, onClosed);
    }

    @Override
    void fromClientPayload(byte[] datagram, int offset) throws WireFormatException {
        ByteBuffer buffer = ByteBuffer.wrap(datagram, offset, datagram.length - offset);
        if (QuicVarint.decode(buffer) == 0) {
            forward(uriTarget, datagram, buffer.position(), buffer.remaining());
        }
    }

    /** Registration capsules mean nothing without bind; unknown capsules are skipped (RFC 9297 section 3.2). */
    @Override
    void onControlCapsule(Capsule capsule) {
    }

    /** RFC 9298 section 3.3: a failure such as ICMP unreachable closes the stream. */
    @Override
    public void socketFailed(String why) {
        close(why);
    }

    @Override
    byte[] toClientDatagram(InetSocketAddress source, byte[] data, int offset, int length) {
        if (!source.equals(uriTarget)) {
            return null; // RFC 9298 section 3.3: only the target's packets
        }
        return CompressedPayload.toDatagram(stream.quarterStreamId(), 0, data, offset, length);
    }
}
