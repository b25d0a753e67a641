package io.punchline.bench;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.TestStream;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

public class PeerProbe {
    public static void main(String[] args) throws Exception {
        long bytes = Long.parseLong(args.length > 0 ? args[0] : "20000000");
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))) {
            RelayAddress address = relay.address();
            InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            try (Engine a = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), address).withListen(lo));
                 Engine b = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), address).withListen(lo))) {
                b.onSession(s -> s.onStream(st -> { try { TestStream.receive(b, s, st); } catch (Exception e) { e.printStackTrace(); } }));
                PeerSession session = a.dial(b.contact());
                long t0 = System.nanoTime();
                TestStream.send(a, session, bytes, 1);
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%d bytes in %.2f s = %.2f MB/s%n", bytes, secs, bytes / secs / 1e6);
                System.out.println("peer conn: " + session.statistics().toString().replace('\n', ' '));
                System.out.println("relay: " + relay.tunnelStatistics().toString().replace('\n', ' '));
            }
        }
        System.exit(0);
    }
}
