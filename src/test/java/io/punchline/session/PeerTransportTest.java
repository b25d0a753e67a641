package io.punchline.session;

import io.punchline.engine.Engine;
import io.punchline.engine.EngineEvent;
import io.punchline.engine.EventBus;
import io.punchline.testing.LoopbackRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The QUIC layer under peer sessions (Netty over native quiche), through a real relay on loopback: the TLS handshake
 * under the post-quantum channel is itself hybrid post-quantum, and two engines that dial each other at the same time
 * over the same address pair get two working sessions (packets routed by connection ID, not by address).
 */
@Timeout(120)
class PeerTransportTest {

    @RegisterExtension
    final LoopbackRelay relay = new LoopbackRelay();

    @Test
    void bothEndsNegotiateTheHybridGroupX25519Mlkem768AndReportItInTheSessionEvent() throws Exception {
        try (Engine a = relay.relayedEngine(); Engine b = relay.relayedEngine()) {
            List<EventBus.Timed> opened = new CopyOnWriteArrayList<>();
            a.events().subscribe(t -> {
                if (t.event() instanceof EngineEvent.SessionOpened) {
                    opened.add(t);
                }
            });
            CompletableFuture<PeerSession> accepted = new CompletableFuture<>();
            b.onSession(accepted::complete);
            PeerSession dialled = a.dial(b.contact());
            assertThat(dialled.tlsGroup()).isEqualTo("X25519MLKEM768");
            assertThat(accepted.get(30, TimeUnit.SECONDS).tlsGroup()).isEqualTo("X25519MLKEM768");
            assertThat(opened).extracting(t -> ((EngineEvent.SessionOpened) t.event()).tlsGroup())
                    .containsExactly("X25519MLKEM768");
        }
    }

    @Test
    void twoEnginesDiallingEachOtherAtOnceGetTwoSessionsThatEachCarryTheirOwnStreams() throws Exception {
        try (Engine a = relay.relayedEngine(); Engine b = relay.relayedEngine()) {
            a.onSession(session -> session.onStream(stream -> echo("a", stream)));
            b.onSession(session -> session.onStream(stream -> echo("b", stream)));
            CompletableFuture<PeerSession> ab = CompletableFuture.supplyAsync(() -> dial(a, b));
            CompletableFuture<PeerSession> ba = CompletableFuture.supplyAsync(() -> dial(b, a));
            assertThat(ask(ab.get(60, TimeUnit.SECONDS), "from a")).isEqualTo("b got from a");
            assertThat(ask(ba.get(60, TimeUnit.SECONDS), "from b")).isEqualTo("a got from b");
        }
    }

    private static PeerSession dial(Engine from, Engine to) {
        try {
            return from.dial(to.contact());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void echo(String name, SecureStream stream) {
        try (stream) {
            String request = new String(stream.input().readAllBytes(), StandardCharsets.UTF_8);
            stream.output().write((name + " got " + request).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            stream.abort();
        }
    }

    private static String ask(PeerSession session, String request) throws IOException {
        SecureStream stream = session.openStream();
        stream.output().write(request.getBytes(StandardCharsets.UTF_8));
        stream.output().close();
        return new String(stream.input().readAllBytes(), StandardCharsets.UTF_8);
    }

    /**
     * A writer whose peer reset the stream learns why, also from the close of a try-with-resources: the stored failure
     * is thrown as a new exception each time (the same instance twice made Java report "Self-suppression not
     * permitted" in place of the reason).
     */
    @Test
    void aWriteAfterThePeerResetTheStreamFailsWithTheReasonAlsoInTryWithResources() throws Exception {
        try (Engine a = relay.relayedEngine(); Engine b = relay.relayedEngine()) {
            b.onSession(session -> session.onStream(SecureStream::abort));
            PeerSession dialled = a.dial(b.contact());
            IOException failure = null;
            byte[] block = new byte[64 * 1024];
            try (SecureStream stream = dialled.openStream()) {
                for (int i = 0; i < 10_000; i++) {
                    stream.output().write(block);
                }
            } catch (IOException e) {
                failure = e;
            }
            IOException failed = failure;
            assertThat(failed).as("the write fails once the peer reset the stream").isNotNull();
            assertThat(failed.getMessage()).doesNotContain("Self-suppression").isNotBlank();
            assertThat(failed.getSuppressed()).allSatisfy(s -> assertThat(s).isNotSameAs(failed));
        }
    }
}
