package io.punchline.engine;

import io.punchline.crypto.HandshakeException;
import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.session.PeerContact;
import io.punchline.session.PeerSession;
import io.punchline.session.SecureStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.punchline.testing.LoopbackRelay;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two engines on loopback connected through a real relay, traversal off so that everything stays relayed:
 * post-quantum handshake, then secure streams.
 */
@Timeout(120)
class EngineThroughRelayTest {

    @RegisterExtension
    final LoopbackRelay relay = new LoopbackRelay();

    private Engine engine() throws Exception {
        return relay.relayedEngine();
    }

    static byte[] sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    @Test
    void aDiallerReachesAPeerThroughTheRelayAndTheyExchangeSecureStreams() throws Exception {
        try (Engine a = engine(); Engine b = engine()) {
            CompletableFuture<byte[]> received = new CompletableFuture<>();
            b.onSession(session -> session.onStream(stream -> {
                try {
                    byte[] hash = sha256(stream.input());
                    stream.output().write(hash);
                    stream.close();
                    received.complete(hash);
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            }));
            PeerSession session = a.dial(b.contact());
            assertThat(session.peer()).isEqualTo(b.peerId());

            byte[] data = new byte[3 * 1024 * 1024 + 17];
            new Random(7).nextBytes(data);
            SecureStream stream = session.openStream();
            stream.output().write(data);
            stream.close();
            byte[] answer = stream.input().readAllBytes();
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
            assertThat(answer).isEqualTo(expected);
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            assertThat(a.relayedBytes()).isGreaterThan(data.length);
        }
    }

    @Test
    void dialingAContactWhosePeerIdIsNotTheListenersFailsTheHandshake() throws Exception {
        try (Engine a = engine(); Engine b = engine()) {
            PeerContact real = b.contact();
            PeerId impostorExpected = Identity.generate(new SecureRandom()).peerId();
            PeerContact wrong = new PeerContact(impostorExpected, real.bindAddress(), real.relay());
            assertThatThrownBy(() -> a.dial(wrong)).isInstanceOf(HandshakeException.class)
                    .satisfies(e -> assertThat(((HandshakeException) e).reason()).isEqualTo(HandshakeException.Reason.WRONG_PEER));
        }
    }

}
