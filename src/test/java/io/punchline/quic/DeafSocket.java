package io.punchline.quic;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.concurrent.atomic.AtomicInteger;

/** A client socket that drops what it receives while {@link #deaf}, counting it and what it sends meanwhile. */
final class DeafSocket extends DatagramSocket {
    volatile boolean deaf;
    final AtomicInteger dropped = new AtomicInteger();
    final AtomicInteger sentWhileDeaf = new AtomicInteger();

    DeafSocket() throws IOException {
        super(0);
    }

    @Override
    public void send(DatagramPacket packet) throws IOException {
        super.send(packet);
        if (deaf) {
            sentWhileDeaf.incrementAndGet();
        }
    }

    @Override
    public void receive(DatagramPacket packet) throws IOException {
        while (true) {
            super.receive(packet);
            if (!deaf) {
                return;
            }
            dropped.incrementAndGet();
            packet.setLength(packet.getData().length);
        }
    }
}
