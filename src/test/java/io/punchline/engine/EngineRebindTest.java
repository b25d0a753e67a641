package io.punchline.engine;

import io.punchline.crypto.Identity;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A relay restart: the engine sees the bind end, binds again on the restarted relay, and peers reach it there. */
@Timeout(120)
class EngineRebindTest {

    @TempDir
    Path relayFolder;

    @Test
    void anEngineBindsAgainWhenItsRelayRestartsAndIsReachableAtItsNewBind() throws Exception {
        RelayConfig config = RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withDataFolder(relayFolder);
        RelayServer relay = RelayServer.start(config);
        InetSocketAddress relayAt = new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.address().port());
        EngineConfig engineConfig = EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withTraversal(false);
        try (Engine engine = Engine.start(engineConfig)) {
            List<EngineEvent> events = new CopyOnWriteArrayList<>();
            engine.events().subscribe(timed -> events.add(timed.event()));
            String firstBind = engine.contact().bindAddress().toString();

            relay.close();
            relay = RelayServer.start(RelayConfig.defaults(relayAt).withDataFolder(relayFolder));
            long deadline = System.currentTimeMillis() + 90_000;
            // the subscription starts with the bind as it was (relay.bound is the latest state): wait for the next one
            while (!boundAgain(events) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(events.get(0)).as("the bind as it was, first").isInstanceOf(EngineEvent.RelayBound.class);
            assertThat(boundAgain(events)).as("relay.lost, then relay.bound: %s", events).isTrue();
            assertThat(engine.contact().bindAddress().toString()).isNotEqualTo(firstBind);

            EngineConfig otherConfig = EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                    .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withTraversal(false);
            try (Engine other = Engine.start(otherConfig)) {
                PeerSession session = other.dial(engine.contact());
                assertThat(session.peer()).isEqualTo(engine.peerId());
            }
        } finally {
            relay.close();
        }
    }

    private static boolean boundAgain(List<EngineEvent> events) {
        int lost = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof EngineEvent.RelayLost) {
                lost = lost < 0 ? i : lost;
            } else if (lost >= 0 && events.get(i) instanceof EngineEvent.RelayBound) {
                return true;
            }
        }
        return false;
    }
}
