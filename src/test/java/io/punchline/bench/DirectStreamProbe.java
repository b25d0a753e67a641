package io.punchline.bench;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import io.punchline.session.SecureStream;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One secure stream between two engines in this JVM on loopback, direct path once traversal switched: MB/s and the
 * process's CPU-ms per MB. A quick look at the peer data path without the benchmark's baselines; run with
 * {@code -Dbench.megabytes=N} (200) and {@code -Dbench.write=BYTES} (65536).
 */
public final class DirectStreamProbe {

    public static void main(String[] args) throws Exception {
        long bytes = Long.getLong("bench.megabytes", 200L) * 1_000_000L;
        int writeSize = Integer.getInteger("bench.write", 65536);
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(lo));
             Engine a = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address()).withListen(lo));
             Engine b = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address()).withListen(lo))) {
            CompletableFuture<Long> received = new CompletableFuture<>();
            b.onSession(session -> session.onStream(stream -> {
                try (InputStream in = stream.input()) {
                    byte[] buffer = new byte[65536];
                    long total = 0;
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        total += n;
                    }
                    received.complete(total);
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            }));
            PeerSession session = a.dial(b.contact());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (a.directAddressOf(session) == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            SecureStream stream = session.openStream();
            byte[] chunk = new byte[writeSize];
            new SecureRandom().nextBytes(chunk);
            try (OutputStream out = stream.output()) {
                for (long sent = 0; sent < bytes; sent += chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
                }
            }
            long got = received.get(600, TimeUnit.SECONDS);
            System.out.println("quiche path stats (dialler): " + session.pathStats() + "; relayed bytes a/b: "
                    + a.relayedBytes() + " / " + b.relayedBytes() + ", direct a/b: " + a.directBytes() + " / " + b.directBytes());
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
            System.out.printf("path %s: %d MB in %.2f s = %.1f MB/s, %.1f CPU-ms per MB (both engines and the relay)%n",
                    a.pathOf(session).jsonName(), got / 1_000_000, seconds, got / 1e6 / seconds, cpuMs / (got / 1e6));
            threads.getClass();
        }
    }
}
