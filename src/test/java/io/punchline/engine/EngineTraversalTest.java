package io.punchline.engine;

import io.punchline.session.PeerSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.punchline.testing.LoopbackRelay;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two engines on loopback: the session starts through the relay, the engines exchange candidates, punch, validate the
 * direct path and switch to it while a transfer runs; the data arrives intact.
 */
@Timeout(120)
class EngineTraversalTest {

    @RegisterExtension
    final LoopbackRelay relay = new LoopbackRelay();

    private Engine engine() throws Exception {
        return relay.engine();
    }

    @Test
    void theSessionMovesToTheDirectPathWhileDataFlowsAndTheDataArrivesIntact() throws Exception {
        try (Engine a = engine(); Engine b = engine()) {
            List<EngineEvent> eventsA = new CopyOnWriteArrayList<>();
            a.events().subscribe(timed -> eventsA.add(timed.event()));
            b.onSession(session -> session.onStream(stream -> {
                try {
                    TestStream.receive(b, session, stream);
                } catch (Exception e) {
                    stream.abort();
                }
            }));
            PeerSession session = a.dial(b.contact());
            byte[] hash = TestStream.send(a, session, 8_000_000, 1);
            assertThat(hash).hasSize(32);

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (a.directAddressOf(session) == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(a.pathOf(session)).isEqualTo(EngineEvent.NetworkPath.DIRECT);
            assertThat(eventsA).anySatisfy(e -> assertThat(e).isInstanceOf(EngineEvent.CandidateAdded.class));
            assertThat(eventsA).anySatisfy(e -> assertThat(e).isInstanceOf(EngineEvent.PunchStarted.class));
            assertThat(eventsA).anySatisfy(e -> assertThat(e).isInstanceOf(EngineEvent.PathValidated.class));
            assertThat(eventsA).anySatisfy(e -> {
                assertThat(e).isInstanceOf(EngineEvent.PathSwitched.class);
                assertThat(((EngineEvent.PathSwitched) e).path()).isEqualTo(EngineEvent.NetworkPath.DIRECT);
            });
            // after the switch, a second transfer goes direct
            long relayedBefore = a.relayedBytes();
            TestStream.send(a, session, 4_000_000, 2);
            assertThat(a.directBytes()).isGreaterThan(4_000_000);
            assertThat(a.relayedBytes() - relayedBefore).isLessThan(400_000);
        }
    }
}
