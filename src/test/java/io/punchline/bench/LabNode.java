package io.punchline.bench;

import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.server.ServerConnector;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The baselines of {@link LabBenchmark}, run as a process on a host of the NAT lab (one JSON line per event on
 * standard output, like {@code punchline --json}):
 * <ul>
 *   <li>{@code udp-recv PORT PEER_IP} / {@code udp-send PORT PEER_IP BYTES}: the lab's raw UDP ceiling. The sender
 *       sends 1200-byte datagrams as fast as it can, unpaced; the receiver counts them.</li>
 *   <li>{@code kwik-server PORT PEER_IP} / {@code kwik-client PORT PEER_IP BYTES}: a plain kwik stream
 *       ({@link PlainKwikPair}: no relay, no post-quantum layer) from one host to the other.</li>
 * </ul>
 * Both hosts sit behind endpoint-independent NATs that keep the source port, so both bind the same {@code PORT} and
 * open the path by sending to each other's public address first ({@link #punch}); then the real traffic flows.
 */
public final class LabNode {

    static final int DATAGRAM = 1200;
    private static final byte PUNCH = 'P';
    private static final byte ACK = 'A';
    private static final byte DATA = 'D';
    private static final byte END = 'E';
    private static final long PUNCH_TIMEOUT_MILLIS = 30_000;
    private static final long IDLE_END_MILLIS = 2_000;

    private LabNode() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(args[2]), port);
        long bytes = args.length > 3 ? Long.parseLong(args[3]) : 0;
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("0.0.0.0", port));
        socket.setReceiveBufferSize(4 << 20);
        socket.setSendBufferSize(4 << 20);
        switch (args[0]) {
            case "udp-recv" -> udpReceive(socket, peer);
            case "udp-send" -> udpSend(socket, peer, bytes);
            case "kwik-server" -> kwikServer(socket, peer);
            case "kwik-client" -> kwikClient(socket, peer, bytes);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    /**
     * Opens the path to {@code peer} through both NATs: sends a punch every 20 ms and answers each punch with an ACK;
     * done once an ACK came back (our punch got through and so did the answer), then keeps answering for
     * {@code graceMillis} so the peer gets its ACK too.
     */
    static void punch(DatagramSocket socket, InetSocketAddress peer, long graceMillis) throws IOException {
        byte[] buffer = new byte[DATAGRAM];
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        long deadline = System.currentTimeMillis() + PUNCH_TIMEOUT_MILLIS;
        long doneAt = Long.MAX_VALUE;
        long nextPunch = 0;
        socket.setSoTimeout(10);
        while (System.currentTimeMillis() < (doneAt == Long.MAX_VALUE ? deadline : Math.min(deadline, doneAt + graceMillis))) {
            long now = System.currentTimeMillis();
            if (doneAt == Long.MAX_VALUE && now >= nextPunch) {
                socket.send(new DatagramPacket(new byte[] {PUNCH}, 1, peer));
                nextPunch = now + 20;
            }
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (!in.getSocketAddress().equals(peer) || in.getLength() != 1) {
                continue;
            }
            if (buffer[0] == PUNCH) {
                socket.send(new DatagramPacket(new byte[] {ACK}, 1, peer));
            } else if (buffer[0] == ACK && doneAt == Long.MAX_VALUE) {
                doneAt = System.currentTimeMillis();
            }
        }
        socket.setSoTimeout(0);
        if (doneAt == Long.MAX_VALUE) {
            throw new IOException("no path to " + peer + " within " + PUNCH_TIMEOUT_MILLIS + " ms");
        }
    }

    private static void udpSend(DatagramSocket socket, InetSocketAddress peer, long bytes) throws IOException {
        punch(socket, peer, 300);
        sleep(100); // the receiver's grace ends up to a punch interval after ours
        long packets = (bytes + DATAGRAM - 1) / DATAGRAM;
        byte[] payload = new byte[DATAGRAM];
        ByteBuffer header = ByteBuffer.wrap(payload);
        DatagramPacket out = new DatagramPacket(payload, DATAGRAM, peer);
        event("bench.start", "");
        long start = System.nanoTime();
        for (long seq = 0; seq < packets; seq++) {
            header.put(0, DATA).putLong(1, seq);
            socket.send(out);
        }
        long nanos = System.nanoTime() - start;
        header.put(0, END).putLong(1, packets);
        for (int i = 0; i < 10; i++) {
            socket.send(new DatagramPacket(payload, 9, peer));
            sleep(10);
        }
        event("udp.sent", String.format(Locale.ROOT, "\"packets\":%d,\"bytes\":%d,\"millis\":%.1f",
                packets, packets * DATAGRAM, nanos / 1e6));
    }

    private static void udpReceive(DatagramSocket socket, InetSocketAddress peer) throws IOException {
        punch(socket, peer, 300);
        event("udp.ready", "");
        byte[] buffer = new byte[2048];
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        ByteBuffer view = ByteBuffer.wrap(buffer);
        long received = 0;
        long first = 0;
        long last = 0;
        long sent = -1;
        socket.setSoTimeout((int) IDLE_END_MILLIS);
        long deadline = System.currentTimeMillis() + 600_000;
        while (sent < 0 && System.currentTimeMillis() < deadline) {
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                if (received > 0) {
                    break; // the END markers were lost: the data has stopped all the same
                }
                continue;
            }
            if (in.getLength() == DATAGRAM && buffer[0] == DATA) {
                long now = System.nanoTime();
                if (received++ == 0) {
                    first = now;
                }
                last = now;
            } else if (in.getLength() == 9 && buffer[0] == END) {
                sent = view.getLong(1);
            } else if (in.getLength() == 1 && buffer[0] == PUNCH) {
                socket.send(new DatagramPacket(new byte[] {ACK}, 1, peer));
            }
        }
        event("udp.received", String.format(Locale.ROOT, "\"packets\":%d,\"bytes\":%d,\"sent\":%d,\"millis\":%.1f",
                received, received * DATAGRAM, sent, (last - first) / 1e6));
    }

    private static void kwikServer(DatagramSocket socket, InetSocketAddress peer) throws Exception {
        ServerConnector server = PlainKwikPair.server(socket); // its certificate made before punching: no delay after
        punch(socket, peer, 500);
        server.start();
        event("kwik.ready", "");
        // the client's process ends the run; this one runs until the benchmark stops it
        Thread.sleep(Long.MAX_VALUE);
        server.close();
    }

    private static void kwikClient(DatagramSocket socket, InetSocketAddress peer, long bytes) throws Exception {
        punch(socket, peer, 1000);
        QuicClientConnection client = PlainKwikPair.client(peer, socket);
        PlainKwikPair.upload(client, Math.min(bytes / 10, 20_000_000L)); // warm-up: JIT and congestion window
        event("bench.start", "");
        double seconds = PlainKwikPair.upload(client, bytes);
        event("kwik.done", String.format(Locale.ROOT, "\"bytes\":%d,\"millis\":%.1f", bytes, seconds * 1000));
        client.close();
    }

    private static void event(String name, String fields) {
        System.out.println("{\"t\":" + System.currentTimeMillis() + ",\"event\":\"" + name + "\""
                + (fields.isEmpty() ? "" : "," + fields) + "}");
        System.out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
