package io.punchline.bench;

import io.punchline.masque.BindClient;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;

import java.net.*;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

public class Burst {
    public static void main(String[] a) throws Exception {
        RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withLoopbackTargets(true));
        RelayAddress addr = RelayAddress.of(relay.dialAddress(), relay.fingerprint());
        AtomicLong got = new AtomicLong();
        CountingSocketFactory fa = new CountingSocketFactory(), fb = new CountingSocketFactory();
        BindClient s = BindClient.connect(addr, fa, (x, d, o, l) -> {}, Duration.ofSeconds(5));
        BindClient r = BindClient.connect(addr, fb, (x, d, o, l) -> got.incrementAndGet(), Duration.ofSeconds(5));
        InetSocketAddress to = r.publicAddresses().get(0);
        s.registerCompressed(to);
        Thread.sleep(200);
        int n = Integer.parseInt(a.length > 0 ? a[0] : "5000");
        int pause = Integer.parseInt(a.length > 1 ? a[1] : "0");
        byte[] p = new byte[1200];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            s.send(to, p, 0, p.length);
            if (pause > 0 && i % pause == 0) Thread.sleep(1);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < 10; i++) { Thread.sleep(500); System.out.println("t+" + (i+1)*500 + "ms got " + got.get() + " A sent bytes " + fa.sent.get() + " A recv " + fa.received.get() + " B recv " + fb.received.get() + " B sent " + fb.sent.get()); }
        System.out.println("relay " + relay.tunnelStatistics());
        System.out.println("A " + s.statistics() + "\nB " + r.statistics());
        System.out.printf("sent %d in %.1f ms, got %d after 5s%n", n, (t1 - t0) / 1e6, got.get());
        System.exit(0);
    }
}
