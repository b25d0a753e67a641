package io.punchline.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A request to the gateway's PCP/NAT-PMP port and its answer, from a UDP socket connected to the gateway. Retransmission
 * as RFC 6886 section 3.1 (250 ms, doubling) but only three tries, 1.75 s in all: a gateway that has not answered by
 * then is taken not to speak the protocol, and the next one is tried (RFC 6887 section 8.1.1 allows a client to stop).
 * Only datagrams from the gateway's address and port are read (RFC 6886 section 3.1, RFC 6887 section 8.3), and of
 * those only the ones {@code accepts} (the caller checks nonce, opcode and port); anything else is dropped unread.
 */
final class GatewayExchange implements AutoCloseable {

    static final int[] WAITS_MILLIS = {250, 500, 1000};

    private final DatagramSocket socket;
    private final InetSocketAddress gateway;

    GatewayExchange(InetSocketAddress gateway) throws IOException {
        this.gateway = gateway;
        this.socket = new DatagramSocket();
        socket.connect(gateway);
    }

    /** The address requests leave from: the client address PCP's header and UPnP's internal client name. */
    InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    /** The first accepted answer to {@code request}, or empty after the last wait. */
    Optional<ByteBuffer> exchange(byte[] request, Predicate<ByteBuffer> accepts) throws IOException {
        byte[] buffer = new byte[NatPmpCodec.MAX_LENGTH + 4];
        for (int wait : WAITS_MILLIS) {
            socket.send(new DatagramPacket(request, request.length));
            long deadline = System.nanoTime() + wait * 1_000_000L;
            long left;
            while ((left = (deadline - System.nanoTime()) / 1_000_000L) > 0) {
                socket.setSoTimeout((int) left);
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (PortUnreachableException e) {
                    throw new IOException("the gateway's port " + gateway.getPort() + " is closed");
                }
                if (!gateway.equals(packet.getSocketAddress())) {
                    continue;
                }
                ByteBuffer answer = ByteBuffer.wrap(buffer, 0, packet.getLength()).slice();
                if (accepts.test(answer.duplicate())) {
                    return Optional.of(answer);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        socket.close();
    }
}
