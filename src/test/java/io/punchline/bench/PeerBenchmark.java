package io.punchline.bench;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.TestStream;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import tech.kwik.core.Statistics;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Peer-connection throughput, printed in one run: a secure stream between two engines over the punched direct path,
 * and over the relay (traversal off), against a plain kwik stream on loopback measured in the same run, with the
 * relay's wire bytes per payload byte. Goals (issue 4): direct at least 0.9 and relayed at least 0.6 of plain.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.punchline.bench.PeerBenchmark} (system properties {@code bench.megabytes}, default 30, and
 * {@code bench.rounds}, default 3). All three endpoints share this machine's two cores.
 */
public final class PeerBenchmark {

    public static void main(String[] args) throws Exception {
        long bytes = Integer.getInteger("bench.megabytes", 30) * 1_000_000L;
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<Double> plain = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        List<Double> relayed = new ArrayList<>();
        double relayWire = 0;
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
             PlainKwikPair baseline = new PlainKwikPair()) {
            RelayAddress address = relay.address();
            try (Pair punched = new Pair(address, true); Pair relayOnly = new Pair(address, false)) {
                punched.awaitDirect();
                // warm-up of every path (JIT), not counted
                baseline.upload(bytes / 3);
                punched.send(bytes / 3);
                relayOnly.send(bytes / 3);
                for (int round = 0; round < rounds; round++) {
                    plain.add(bytes / baseline.upload(bytes) / 1e6);
                    direct.add(bytes / punched.send(bytes) / 1e6);
                    long before = relaySent(relay);
                    relayed.add(bytes / relayOnly.send(bytes) / 1e6);
                    relayWire += (relaySent(relay) - before) / (double) bytes;
                }
                System.out.printf(Locale.ROOT, "PeerBenchmark: %d MB per run, %d rounds, loopback, 2 cores shared by all ends%n",
                        bytes / 1_000_000, rounds);
                double p = LabBenchTable.median(plain);
                System.out.printf(Locale.ROOT, "  plain kwik stream      median %6.2f MB/s  runs %s%n", p, plain);
                System.out.printf(Locale.ROOT, "  engine, direct path    median %6.2f MB/s  ratio %.2f (goal 0.90)  runs %s%n",
                        LabBenchTable.median(direct), LabBenchTable.median(direct) / p, direct);
                System.out.printf(Locale.ROOT, "  engine, relayed        median %6.2f MB/s  ratio %.2f (goal 0.60)  runs %s%n",
                        LabBenchTable.median(relayed), LabBenchTable.median(relayed) / p, relayed);
                System.out.printf(Locale.ROOT, "  relay: bytes it sent (to the receiver: data; to the sender: ACKs) per payload byte: %.3f%n",
                        relayWire / rounds);
            }
        } finally {
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    private static long relaySent(RelayServer relay) {
        return relay.tunnelStatistics().values().stream().mapToLong(Statistics::bytesSent).sum();
    }

    /** Two engines and a session from one to the other. */
    private static final class Pair implements AutoCloseable {
        final Engine a;
        final Engine b;
        final PeerSession session;
        int stream;

        Pair(RelayAddress relay, boolean traversal) throws Exception {
            InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            a = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay).withListen(lo).withTraversal(traversal));
            b = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay).withListen(lo).withTraversal(traversal));
            b.onSession(s -> s.onStream(st -> {
                try {
                    TestStream.receive(b, s, st);
                } catch (Exception e) {
                    st.abort();
                }
            }));
            session = a.dial(b.contact());
        }

        void awaitDirect() throws InterruptedException {
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (a.directAddressOf(session) == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (a.directAddressOf(session) == null) {
                throw new IllegalStateException("the direct path was not validated within 15 s");
            }
        }

        /** Seconds to send {@code bytes} and get the peer's verified answer. */
        double send(long bytes) throws Exception {
            long start = System.nanoTime();
            TestStream.send(a, session, bytes, ++stream);
            return (System.nanoTime() - start) / 1e9;
        }

        @Override
        public void close() {
            a.close();
            b.close();
        }
    }
}
