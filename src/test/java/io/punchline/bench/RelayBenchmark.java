package io.punchline.bench;

import io.punchline.masque.BindClient;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relay data-plane benchmark, printed in one run on this machine:
 * <ol>
 *   <li>payload throughput between two bind clients through a relay on loopback, against plain UDP between two
 *   sockets on loopback measured the same way in the same run (ratio);</li>
 *   <li>wire bytes per payload byte on the client-to-relay hop and the relay-to-client hop, for compressed and
 *   uncompressed contexts, at 1200-byte payloads (goal: at most 1.05 compressed).</li>
 * </ol>
 * The sender is paced by a window of unanswered payloads so neither path is measured by how much it drops.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.punchline.bench.RelayBenchmark}
 */
public final class RelayBenchmark {

    static final int PAYLOAD = 1200;
    static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 5));

    public static void main(String[] args) throws Exception {
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLoopbackTargets(true).withAccess(RelayAccess.OPEN.withAnonymous(true)))) {
            // anonymous binds: the figures are about the relay hop, not the authentication's one-time bytes
            RelayAddress address = relay.address();
            // warm-up (JIT) on both paths, results discarded
            plainUdp(Duration.ofSeconds(2));
            relayed(address, true, Duration.ofSeconds(2));

            Result plain = plainUdp(RUN);
            Result uncompressed = relayed(address, false, RUN);
            Result compressed = relayed(address, true, RUN);
            Result plainAgain = plainUdp(RUN);

            double plainRate = (plain.payloadRate() + plainAgain.payloadRate()) / 2;
            System.out.println("Relay data plane, " + PAYLOAD + "-byte payloads, loopback, " + RUN.toSeconds() + " s per run");
            System.out.printf(Locale.ROOT, "  plain UDP              %8.1f MB/s  (runs %.1f and %.1f)%n", plainRate / 1e6,
                    plain.payloadRate() / 1e6, plainAgain.payloadRate() / 1e6);
            print("relayed, uncompressed", uncompressed, plainRate);
            print("relayed, compressed", compressed, plainRate);
        }
        System.exit(0);
    }

    private static void print(String name, Result result, double plainRate) {
        System.out.printf(Locale.ROOT, "  %-22s %8.1f MB/s  ratio to plain UDP %.3f  wire/payload: client->relay %.4f, relay->client %.4f%n",
                name, result.payloadRate() / 1e6, result.payloadRate() / plainRate,
                result.upWireBytes / (double) result.payloadBytes, result.downWireBytes / (double) result.payloadBytes);
    }

    record Result(long payloadBytes, long nanos, long upWireBytes, long downWireBytes) {
        double payloadRate() {
            return payloadBytes * 1e9 / nanos;
        }
    }

    /** Echo-paced transfer: the receiver acknowledges every 16th payload; the sender keeps at most 256 unanswered. */
    static final int WINDOW = 256;
    static final int ACK_EVERY = 16;

    private static Result plainUdp(Duration duration) throws IOException, InterruptedException {
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            sender.setReceiveBufferSize(1 << 20);
            receiver.setReceiveBufferSize(1 << 22);
            AtomicLong delivered = new AtomicLong();
            AtomicLong acked = new AtomicLong();
            Thread receive = new Thread(() -> {
                byte[] buffer = new byte[2048];
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                byte[] ack = new byte[8];
                try {
                    receiver.setSoTimeout(200);
                    while (true) {
                        packet.setLength(buffer.length);
                        receiver.receive(packet);
                        long n = delivered.incrementAndGet();
                        if (n % ACK_EVERY == 0) {
                            receiver.send(new DatagramPacket(ack, ack.length, sender.getLocalSocketAddress()));
                        }
                    }
                } catch (IOException e) {
                    // timeout after the run, or closed
                }
            });
            Thread ackReader = new Thread(() -> {
                DatagramPacket packet = new DatagramPacket(new byte[64], 64);
                try {
                    sender.setSoTimeout(200);
                    while (true) {
                        sender.receive(packet);
                        acked.addAndGet(ACK_EVERY);
                    }
                } catch (IOException e) {
                    // done
                }
            });
            receive.start();
            ackReader.start();
            byte[] payload = new byte[PAYLOAD];
            DatagramPacket out = new DatagramPacket(payload, payload.length, receiver.getLocalSocketAddress());
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long sent = 0;
            while (System.nanoTime() < end) {
                if (sent - acked.get() >= WINDOW) {
                    Thread.onSpinWait();
                    if (sent - acked.get() >= WINDOW && System.nanoTime() - start > 0) {
                        // a lost ack must not stall the run: let the window slide after a short wait
                        Thread.sleep(0, 200_000);
                        acked.compareAndSet(acked.get(), Math.max(acked.get(), delivered.get()));
                    }
                    continue;
                }
                sender.send(out);
                sent++;
            }
            long elapsed = System.nanoTime() - start;
            long bytes = delivered.get() * PAYLOAD;
            receive.join();
            ackReader.join();
            return new Result(bytes, elapsed, 0, 0);
        }
    }

    private static Result relayed(RelayAddress relay, boolean compressed, Duration duration) throws Exception {
        CountingSocketFactory senderWire = new CountingSocketFactory();
        CountingSocketFactory receiverWire = new CountingSocketFactory();
        AtomicLong delivered = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        BindClient[] receiverHolder = new BindClient[1];
        byte[] ack = new byte[8];
        try (BindClient sender = BindClient.connect(relay, senderWire,
                (source, data, offset, length) -> acked.addAndGet(ACK_EVERY), Duration.ofSeconds(10));
             BindClient receiver = BindClient.connect(relay, receiverWire, (source, data, offset, length) -> {
                 if (length == PAYLOAD) {
                     long n = delivered.incrementAndGet();
                     if (n % ACK_EVERY == 0) {
                         try {
                             receiverHolder[0].send(source, ack, 0, ack.length);
                         } catch (IOException e) {
                             // run ending
                         }
                     }
                 }
             }, Duration.ofSeconds(10))) {
            receiverHolder[0] = receiver;
            sender.setAutoCompression(compressed);
            receiver.setAutoCompression(compressed);
            InetSocketAddress to = receiver.publicAddresses().get(0);
            InetSocketAddress from = sender.publicAddresses().get(0);
            if (compressed) {
                sender.registerCompressed(to);
                receiver.registerCompressed(from);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!(sender.isCompressedAcknowledged(to) && receiver.isCompressedAcknowledged(from))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
            byte[] payload = new byte[PAYLOAD];
            senderWire.reset();
            receiverWire.reset();
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long sent = 0;
            while (System.nanoTime() < end) {
                if (sent - acked.get() >= WINDOW) {
                    Thread.sleep(0, 200_000);
                    if (sent - acked.get() >= WINDOW) {
                        acked.set(Math.max(acked.get(), delivered.get()));
                    }
                    continue;
                }
                sender.send(to, payload, 0, payload.length);
                sent++;
            }
            long elapsed = System.nanoTime() - start;
            Thread.sleep(200);
            long bytes = delivered.get() * PAYLOAD;
            return new Result(bytes, elapsed, senderWire.sent.get(), receiverWire.received.get());
        }
    }

    private RelayBenchmark() {
    }

}
