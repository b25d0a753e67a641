package io.punchline.bench;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.EngineEvent;
import io.punchline.engine.PairingInvite;
import io.punchline.masque.RelayAddress;
import io.punchline.pairing.RememberedPeers;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerContact;
import io.punchline.session.PeerSession;
import io.punchline.testing.TestFiles;
import io.punchline.transfer.OutgoingTransfer;
import io.punchline.transfer.TransferResult;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * File transfer, printed in one run (issue 5): a 1 GB file sent between two engines over the punched direct path and
 * over the relay, against a plain kwik stream on loopback measured in the same run; and the time from entering a
 * pairing code to the first byte of a file on the receiver's disk.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.punchline.bench.TransferBenchmark} (system properties {@code bench.megabytes}, default 1000, and
 * {@code bench.codes}, default 5). Everything shares this machine's two cores, disk included.
 */
public final class TransferBenchmark {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    public static void main(String[] args) throws Exception {
        long bytes = Integer.getInteger("bench.megabytes", 1000) * 1_000_000L;
        int codes = Integer.getInteger("bench.codes", 5);
        Path work = Files.createTempDirectory("punchline-transfer-bench");
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(LOOPBACK));
             PlainKwikPair baseline = new PlainKwikPair()) {
            Path file = work.resolve("outbox").resolve("one.bin");
            TestFiles.writeRandom(file, bytes, bytes);
            baseline.upload(bytes / 10); // warm-up
            double plain = bytes / baseline.upload(bytes) / 1e6;
            Measured direct = transfer(relay.address(), work.resolve("direct"), file, true);
            Measured relayed = transfer(relay.address(), work.resolve("relayed"), file, false);
            List<Double> firstByte = new ArrayList<>();
            Path small = work.resolve("outbox").resolve("small.bin");
            TestFiles.writeRandom(small, 1_000_000, 1);
            for (int i = 0; i < codes; i++) {
                firstByte.add(codeToFirstByte(relay.address(), work.resolve("code-" + i), small));
            }
            System.out.printf(Locale.ROOT, "TransferBenchmark: one %d MB file, loopback, 2 cores shared by both engines, the relay and the disk%n",
                    bytes / 1_000_000);
            System.out.printf(Locale.ROOT, "  plain kwik stream          %7.2f MB/s%n", plain);
            print("direct path", direct, plain);
            print("through the relay", relayed, plain);
            Collections.sort(firstByte);
            System.out.printf(Locale.ROOT, "  code entered -> first byte on disk: median %.0f ms (runs %s ms)%n",
                    firstByte.get(firstByte.size() / 2), firstByte.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
        } finally {
            deleteTree(work);
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    private static void print(String name, Measured m, double plain) {
        System.out.printf(Locale.ROOT, "  file, %-19s %7.2f MB/s on the wire (ratio %.2f to plain), %.2f MB/s with hashing,"
                        + " path at the end: %s, relayed/direct bytes %d/%d%n",
                name, m.wireMBps, m.wireMBps / plain, m.totalMBps, m.path, m.relayed, m.direct);
    }

    private record Measured(double wireMBps, double totalMBps, String path, long relayed, long direct) {
    }

    /** Pairs two fresh engines, then times one file from sendFiles to the verified result. */
    private static Measured transfer(RelayAddress relay, Path folder, Path file, boolean traversal) throws Exception {
        try (Engine sender = engine(relay, folder.resolve("sender"), "sender", traversal);
             Engine receiver = engine(relay, folder.resolve("receiver"), "receiver", traversal)) {
            PeerSession session = pair(sender, receiver, folder.resolve("inbox"));
            if (traversal) {
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (sender.directAddressOf(session) == null && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            AtomicLong offeredAt = new AtomicLong();
            sender.events().subscribe(timed -> {
                if (timed.event() instanceof EngineEvent.TransferOffered) {
                    offeredAt.compareAndSet(0, System.nanoTime());
                }
            });
            long size = Files.size(file);
            long start = System.nanoTime();
            OutgoingTransfer transfer = sender.sendFiles(session, List.of(file));
            TransferResult result = transfer.result().get(30, TimeUnit.MINUTES);
            long end = System.nanoTime();
            if (!result.completed()) {
                throw new IllegalStateException("transfer failed: " + result.message());
            }
            return new Measured(size / ((end - offeredAt.get()) / 1e9) / 1e6, size / ((end - start) / 1e9) / 1e6,
                    sender.pathOf(session).jsonName(), sender.relayedBytes(), sender.directBytes());
        }
    }

    /** Milliseconds from {@code join(code)} on the receiver to the first byte of the file in its folder. */
    private static double codeToFirstByte(RelayAddress relay, Path folder, Path file) throws Exception {
        try (Engine sender = engine(relay, folder.resolve("sender"), "sender", true);
             Engine receiver = engine(relay, folder.resolve("receiver"), "receiver", true)) {
            Path inbox = Files.createDirectories(folder.resolve("inbox"));
            receiver.onOffer(offer -> offer.accept(inbox));
            PairingInvite invite = sender.invite();
            Thread dialler = new Thread(() -> {
                try {
                    RememberedPeers.Peer peer = invite.paired().get(60, TimeUnit.SECONDS);
                    sender.sendFiles(sender.dial(PeerContact.parse(peer.lastContact())), List.of(file));
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            dialler.start();
            long start = System.nanoTime();
            receiver.join(invite.code());
            Path part = inbox.resolve(file.getFileName() + ".part");
            Path done = inbox.resolve(file.getFileName());
            long deadline = start + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (Files.exists(done) || (Files.exists(part) && Files.size(part) > 0)) {
                    return (System.nanoTime() - start) / 1e6;
                }
                Thread.sleep(1);
            }
            throw new IllegalStateException("no byte arrived within 60 s");
        }
    }

    private static PeerSession pair(Engine sender, Engine receiver, Path inbox) throws Exception {
        Files.createDirectories(inbox);
        receiver.onOffer(offer -> offer.accept(inbox));
        PairingInvite invite = sender.invite();
        receiver.join(invite.code()).get(60, TimeUnit.SECONDS);
        RememberedPeers.Peer peer = invite.paired().get(60, TimeUnit.SECONDS);
        return sender.dial(PeerContact.parse(peer.lastContact()));
    }

    private static Engine engine(RelayAddress relay, Path home, String name, boolean traversal) throws Exception {
        Engine engine = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay).withListen(LOOPBACK)
                .withTraversal(traversal).withHome(home).withDeviceName(name));
        engine.acceptOnlyRememberedPeers();
        return engine;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
