package io.punchline.bench;

import tech.kwik.core.DatagramSocketFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

/** Gives kwik an ordinary UDP socket that counts the bytes it sends and receives (UDP payloads, the wire bytes). */
final class CountingSocketFactory implements DatagramSocketFactory {

    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();

    @Override
    public DatagramSocket createSocket(InetAddress destination) throws SocketException {
        return new DatagramSocket() {
            @Override
            public void send(DatagramPacket packet) throws IOException {
                super.send(packet);
                sent.addAndGet(packet.getLength());
            }

            @Override
            public synchronized void receive(DatagramPacket packet) throws IOException {
                super.receive(packet);
                received.addAndGet(packet.getLength());
            }
        };
    }

    void reset() {
        sent.set(0);
        received.set(0);
    }
}
