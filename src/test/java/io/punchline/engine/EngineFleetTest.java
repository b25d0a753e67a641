package io.punchline.engine;

import io.punchline.crypto.Identity;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayFleet;
import io.punchline.masque.RelayProbe;
import io.punchline.relay.FleetStore;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.relay.TestRedis;
import io.punchline.session.PeerSession;
import io.punchline.testing.LauncherProcess;
import io.punchline.testing.UdpForwarder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client side of a fleet (docs/RELAY.md section 10) on loopback with real relays (in process, and a
 * {@code punchline relay} process), a real Redis and real UDP: the engine binds on the nearest relay (another one behind
 * a forwarder that adds 60 ms each way), skips one that does not answer, and when its relay's process is killed it
 * fails over to the second relay while a session on the direct path carries on.
 */
@Timeout(120)
class EngineFleetTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path identity;
    @TempDir
    Path work;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private RelayServer relay(FleetStore store) throws Exception {
        RelayConfig config = RelayConfig.defaults(new InetSocketAddress(LOOPBACK, 0)).withLoopbackTargets(true)
                .withDataFolder(identity);
        return opened(store == null ? RelayServer.start(config) : RelayServer.start(config, store));
    }

    /** The relay reached through a forwarder: same pins, another HOST:PORT. */
    private RelayAddress behind(UdpForwarder forwarder, RelayAddress relay) {
        return RelayAddress.of(forwarder.address(), relay.fingerprint(), relay.relayPeer());
    }

    private Engine engine(RelayFleet relays, List<EngineEvent> events) throws Exception {
        Engine engine = opened(Engine.start(EngineConfig.of(Identity.generate(RANDOM), relays)
                .withListen(new InetSocketAddress(LOOPBACK, 0)).withPortMapping(false)));
        if (events != null) {
            engine.events().subscribe(timed -> events.add(timed.event()));
        }
        return engine;
    }

    @Test
    void theNearestRelayIsChosenTheFarOneKeptForFailOverAndAnUnreachableOneSkipped() throws Exception {
        RelayServer near = relay(null);
        RelayServer far = relay(null);
        UdpForwarder slow = opened(new UdpForwarder(far.listenAddress(), 60));
        int deadPort;
        try (DatagramSocket free = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            deadPort = free.getLocalPort(); // nothing answers there once closed
        }
        RelayAddress farAddress = behind(slow, far.address());
        RelayAddress dead = RelayAddress.of(new InetSocketAddress(LOOPBACK, deadPort), near.address().fingerprint(),
                near.address().relayPeer());
        // the list puts the near relay last: the order chosen is the measured one, not the written one
        RelayFleet fleet = new RelayFleet(List.of(dead, farAddress, near.address()));
        List<EngineEvent> events = new CopyOnWriteArrayList<>();

        long started = System.nanoTime();
        Engine engine = engine(fleet, events);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the measurement is bounded by its timeout")
                .isLessThan(RelayRanking.PROBE_TIMEOUT.plusSeconds(5));

        assertThat(engine.relay()).isEqualTo(near.address());
        assertThat(engine.contact().relay()).isEqualTo(near.address());
        EngineEvent.RelayChosen chosen = (EngineEvent.RelayChosen) events.stream()
                .filter(e -> e instanceof EngineEvent.RelayChosen).findFirst().orElseThrow();
        assertThat(chosen.relay()).isEqualTo(near.address().toString());
        assertThat(chosen.fallback()).isEqualTo(farAddress.toString());
        assertThat(chosen.rtts()).extracting(RelayRtt::relay)
                .containsExactly(near.address().toString(), farAddress.toString());
        assertThat(chosen.rtts().get(1).rttMillis()).as("two 60 ms legs").isGreaterThanOrEqualTo(100);
        assertThat(chosen.rtts().get(0).rttMillis()).isLessThan(chosen.rtts().get(1).rttMillis());
        assertThat(chosen.unreachable()).singleElement().satisfies(skipped -> {
            assertThat(skipped.relay()).isEqualTo(dead.toString());
            assertThat(skipped.reason()).contains("within 3 s");
        });
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(EngineEvent.RelayBound.class));
    }

    @Test
    void whenTheRelayProcessIsKilledTheEngineFailsOverToTheSecondAndADirectSessionCarriesOn() throws Exception {
        TestRedis redis = opened(TestRedis.start());
        RelayServer second = relay(FleetStore.connect(redis.uri(), "test"));
        LauncherProcess first = opened(LauncherProcess.start(work.resolve("relay-home"), "relay", "--listen",
                "127.0.0.1:0", "--data-dir", identity.toString(), "--store", redis.uri(), "--fleet", "test",
                "--allow-loopback-targets"));
        String contact = first.awaitLine(line -> line.contains("#"), Duration.ofSeconds(60));
        assertThat(contact).as("the relay process prints its contact").isNotNull();
        RelayAddress firstAddress = RelayAddress.parse(contact);
        // a relay runs for long: a fresh JVM's first handshakes are slow enough to look far (on a loaded 2-core machine
        // a once-warmed process still lost to 40 ms legs), so it serves a few first, and the other is 100 ms a leg away
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            assertThat(RelayProbe.measure(List.of(firstAddress), Duration.ofSeconds(10)).get(0).reachable()).isTrue();
        }
        UdpForwarder farther = opened(new UdpForwarder(second.listenAddress(), 100));
        RelayAddress secondAddress = behind(farther, second.address());

        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        Engine moving = engine(RelayFleet.parse(secondAddress.authority() + "," + contact), events);
        assertThat(moving.relay()).as("the relay process is the nearer").isEqualTo(firstAddress);
        Engine peer = engine(RelayFleet.of(second.address()), null);
        peer.onSession(session -> session.onStream(stream -> {
            try {
                TestStream.receive(peer, session, stream);
            } catch (Exception e) {
                stream.abort();
            }
        }));
        PeerSession session = moving.dial(peer.contact());
        TestStream.send(moving, session, 1_000_000, 1);
        awaitTrue(() -> moving.pathOf(session) == EngineEvent.NetworkPath.DIRECT, Duration.ofSeconds(20));

        Thread.sleep(RelayWatch.SILENT_FOR.plusSeconds(2).toMillis()); // idle: the session is direct
        assertThat(events).as("a live relay answers the watch's echoes while nothing else goes through it")
                .noneMatch(e -> e instanceof EngineEvent.RelayLost);

        long killed = System.nanoTime();
        first.process().destroyForcibly(); // no CONNECTION_CLOSE: only the watch can tell
        awaitTrue(() -> events.stream().anyMatch(e -> e instanceof EngineEvent.RelayFailover), Duration.ofSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        EngineEvent.RelayFailover failover = (EngineEvent.RelayFailover) events.stream()
                .filter(e -> e instanceof EngineEvent.RelayFailover).findFirst().orElseThrow();
        assertThat(failover.from()).isEqualTo(firstAddress.toString());
        assertThat(failover.to()).isEqualTo(secondAddress.toString());
        assertThat(failover.reason()).contains("stopped answering");
        assertThat(took).as("silence noticed after %s, then a bind on the next relay", RelayWatch.SILENT_FOR)
                .isLessThan(RelayWatch.SILENT_FOR.plusSeconds(6));
        assertThat(moving.relay()).isEqualTo(secondAddress);
        assertThat(moving.contact().relay()).isEqualTo(secondAddress);
        assertThat(events.get(events.size() - 1)).isInstanceOf(EngineEvent.RelayBound.class);

        assertThat(session.isClosed()).as("the direct session outlives the relay").isFalse();
        long directBefore = moving.directBytes();
        TestStream.send(moving, session, 4_000_000, 2);
        assertThat(moving.directBytes() - directBefore).isGreaterThan(4_000_000);

        // reached at its new bind, through the relay it failed over to
        Engine third = engine(RelayFleet.of(second.address()), null);
        assertThat(third.dial(moving.contact()).peer()).isEqualTo(moving.peerId());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("within %s", timeout).isTrue();
    }
}
