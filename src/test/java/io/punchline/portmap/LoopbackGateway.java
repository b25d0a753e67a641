package io.punchline.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiFunction;

/**
 * A gateway's PCP/NAT-PMP (or SSDP) port on a real UDP socket on loopback, answering with recorded bytes: each request
 * is kept, and the answerer gives the datagrams to send back for it (from this socket).
 */
final class LoopbackGateway implements AutoCloseable {

    final DatagramSocket socket;
    final BlockingQueue<ByteBuffer> requests = new LinkedBlockingQueue<>();
    private final Thread thread;

    LoopbackGateway(BiFunction<ByteBuffer, SocketAddress, List<byte[]>> answerer) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> {
            byte[] buffer = new byte[2048];
            while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                    ByteBuffer request = ByteBuffer.wrap(buffer.clone(), 0, packet.getLength()).slice();
                    requests.add(request);
                    for (byte[] answer : answerer.apply(request.duplicate(), packet.getSocketAddress())) {
                        socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "loopback-gateway");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}
