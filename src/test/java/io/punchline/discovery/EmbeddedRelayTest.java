package io.punchline.discovery;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.PairingInvite;
import io.punchline.masque.BindClient;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import io.punchline.pairing.RememberedPeers;
import io.punchline.session.PeerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The relay a window (and {@code punchline send/receive}) embeds is no open UDP proxy (issue 11 point 1): it serves
 * binds only to its own device, the peers that device remembers and a device joining its open pairing code, and sends
 * nothing to loopback. The attacker is a second client on loopback with a throwaway identity.
 */
@Timeout(120)
class EmbeddedRelayTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final Identity owner = Identity.generate(new SecureRandom());
    private RelayChoice choice;

    /** The relay a window embeds (nothing configured, nothing announced in the test's own folder). */
    private RelayAddress startEmbedded() throws Exception {
        choice = new RelayChoice(new RelayChoice.Rules(null, null, null, new RelayChoice.Embedding(
                new InetSocketAddress(LOOPBACK, 0), dir.resolve("config/relay"), owner.peerId(), dir.resolve("owner"))),
                new RelayChoice.Listener() { }, dir.resolve("run"), 0);
        ChosenRelay chosen = choice.choose();
        assertThat(chosen.source()).isEqualTo(ChosenRelay.Source.EMBEDDED);
        return chosen.address();
    }

    @AfterEach
    void stop() {
        if (choice != null) {
            choice.close();
        }
    }

    private Engine engine(Identity identity, String home, RelayAddress relay) throws Exception {
        return Engine.start(EngineConfig.of(identity, relay).withListen(new InetSocketAddress(LOOPBACK, 0))
                .withTraversal(false).withHome(dir.resolve(home)).withDeviceName(home));
    }

    @Test
    void aThrowawayIdentityGetsNoBindAndNoAnswerFromALoopbackServiceThroughTheEmbeddedRelay() throws Exception {
        RelayAddress relay = startEmbedded();
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Thread echoing = new Thread(() -> echo(echo), "udp-echo");
            echoing.setDaemon(true);
            echoing.start();
            InetSocketAddress service = (InetSocketAddress) echo.getLocalSocketAddress();

            String refusal = null;
            boolean answered = false;
            try (Received received = new Received();
                 BindClient bind = BindClient.connect(relay, Identity.generate(new SecureRandom()), null, received,
                         Duration.ofSeconds(20))) {
                answered = received.sendAndAwait(bind, service);
            } catch (BindException e) {
                refusal = e.getMessage();
            }
            assertThat(answered).as("the loopback service answered a throwaway identity through the embedded relay")
                    .isFalse();
            assertThat(refusal).as("the bind is refused").contains("403").contains("serves only its own device");

            // even its own device reaches nothing but other binds: no loopback target
            try (Received received = new Received();
                 BindClient bind = BindClient.connect(relay, owner, null, received, Duration.ofSeconds(20))) {
                assertThat(received.sendAndAwait(bind, service)).as("the loopback service answered the owner").isFalse();
            }
        }
    }

    @Test
    void aThrowawayIdentityIsRefusedABindWhileARememberedPeerIsServed() throws Exception {
        RelayAddress relay = startEmbedded();
        Identity bob = Identity.generate(new SecureRandom());
        try (Engine alice = engine(owner, "owner", relay)) {
            alice.acceptOnlyRememberedPeers();
            // a device joining the owner's open code may bind: that is how it pairs
            PairingInvite invite = alice.invite();
            try (Engine joining = engine(bob, "bob", relay)) {
                joining.join(invite.code()).get(60, TimeUnit.SECONDS);
                assertThat(invite.paired().get(60, TimeUnit.SECONDS).peerId()).isEqualTo(bob.peerId());
            }
            // no code open now: the remembered peer is served, a throwaway identity is not
            try (Engine remembered = engine(bob, "bob", relay)) {
                remembered.acceptOnlyRememberedPeers();
                RememberedPeers.Peer bobForAlice = alice.rememberedPeers().get(0);
                PeerSession session = alice.connect(bobForAlice);
                assertThat(session.peer()).isEqualTo(bob.peerId());
            }
            assertThatThrownBy(() -> engine(Identity.generate(new SecureRandom()), "mallory", relay).close())
                    .isInstanceOf(BindException.class).hasMessageContaining("403")
                    .hasMessageContaining("serves only its own device");
        }
    }

    private static void echo(DatagramSocket socket) {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
            } catch (java.io.IOException e) {
                return;
            }
        }
    }

    /** What reached a bind. */
    private static final class Received implements BindClient.Listener, AutoCloseable {
        private final BlockingQueue<String> payloads = new LinkedBlockingQueue<>();

        @Override
        public void onPayload(InetSocketAddress source, byte[] data, int offset, int length) {
            payloads.add(new String(data, offset, length, StandardCharsets.US_ASCII));
        }

        /** Sends a few pings to {@code target} through {@code bind}; whether any came back within 3 s. */
        boolean sendAndAwait(BindClient bind, InetSocketAddress target) throws Exception {
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 3; i++) {
                bind.send(target, ping, 0, ping.length);
                if (payloads.poll(1, TimeUnit.SECONDS) != null) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
        }
    }
}
