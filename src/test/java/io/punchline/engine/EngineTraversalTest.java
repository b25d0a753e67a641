package io.punchline.engine;

import io.punchline.session.PeerSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.punchline.testing.LoopbackRelay;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

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
            // reported in the order it happened, whichever threads carried it out: the peer's candidate, its
            // validation, then the switch to it (a window that showed the switch first read "punching" beside it)
            int switched = indexOf(eventsA, e -> e instanceof EngineEvent.PathSwitched s
                    && s.path() == EngineEvent.NetworkPath.DIRECT);
            String direct = ((EngineEvent.PathSwitched) eventsA.get(switched)).address();
            int validated = indexOf(eventsA, e -> e instanceof EngineEvent.PathValidated v && v.remote().equals(direct));
            int candidate = indexOf(eventsA, e -> e instanceof EngineEvent.CandidateAdded c && !c.local()
                    && c.address().equals(direct));
            assertThat(candidate).as("candidate, validation, switch in %s", eventsA).isGreaterThanOrEqualTo(0)
                    .isLessThan(validated);
            assertThat(validated).as("validation before the switch in %s", eventsA).isLessThan(switched);
            // after the switch, a second transfer goes direct
            long relayedBefore = a.relayedBytes();
            TestStream.send(a, session, 4_000_000, 2);
            assertThat(a.directBytes()).isGreaterThan(4_000_000);
            assertThat(a.relayedBytes() - relayedBefore).isLessThan(400_000);
        }
    }

    private static int indexOf(List<EngineEvent> events, Predicate<EngineEvent> which) {
        for (int i = 0; i < events.size(); i++) {
            if (which.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
