package io.punchline.relay;

import io.punchline.crypto.Identity;
import io.punchline.masque.BindClient;
import io.punchline.masque.RelayAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two bind clients and plain UDP hosts talking through a real relay on loopback, over real kwik and flupke. */
@Timeout(60)
class RelayIntegrationTest {

    private RelayServer relay;
    private RelayAddress relayAddress;

    record Received(InetSocketAddress source, byte[] data) {
    }

    static final class Inbox implements BindClient.Listener {
        final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();

        @Override
        public void onPayload(InetSocketAddress source, byte[] data, int offset, int length) {
            queue.add(new Received(source, Arrays.copyOfRange(data, offset, offset + length)));
        }

        Received next() throws InterruptedException {
            Received received = queue.poll(10, TimeUnit.SECONDS);
            assertThat(received).as("payload within 10 s").isNotNull();
            return received;
        }
    }

    @BeforeEach
    void startRelay() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLoopbackTargets(true));
        relayAddress = relay.address();
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    /** A bind as the engine makes it: authenticated with a Punchline identity of its own. */
    private BindClient bind(Inbox inbox) throws Exception {
        return BindClient.connect(relayAddress, Identity.generate(new SecureRandom()), null, inbox,
                Duration.ofSeconds(10));
    }

    @Test
    void twoBindClientsExchangeDatagramsBothWaysThroughUncompressedContexts() throws Exception {
        Inbox inboxA = new Inbox();
        Inbox inboxB = new Inbox();
        try (BindClient a = bind(inboxA); BindClient b = bind(inboxB)) {
            InetSocketAddress publicA = a.publicAddresses().get(0);
            InetSocketAddress publicB = b.publicAddresses().get(0);
            assertThat(publicA).isNotEqualTo(publicB);
            assertThat(a.observedAddress()).as("where the relay's listener saw the client (punchline-observed-address)")
                    .isNotNull().isNotEqualTo(b.observedAddress());
            assertThat(a.observedAddress().getAddress().isLoopbackAddress()).isTrue();
            assertThat(a.relayKeepsBind()).as("punchline-bind-kept: the relay never closes a bind for idleness")
                    .isTrue();

            byte[] hello = "hello from a".getBytes();
            a.send(publicB, hello, 0, hello.length);
            Received atB = inboxB.next();
            assertThat(atB.source()).isEqualTo(publicA);
            assertThat(atB.data()).isEqualTo(hello);

            byte[] answer = "answer from b".getBytes();
            b.send(atB.source(), answer, 0, answer.length);
            Received atA = inboxA.next();
            assertThat(atA.source()).isEqualTo(publicB);
            assertThat(atA.data()).isEqualTo(answer);
        }
    }

    @Test
    void compressedContextsCarryPayloadsBothWays() throws Exception {
        Inbox inboxA = new Inbox();
        Inbox inboxB = new Inbox();
        try (BindClient a = bind(inboxA); BindClient b = bind(inboxB)) {
            InetSocketAddress publicA = a.publicAddresses().get(0);
            InetSocketAddress publicB = b.publicAddresses().get(0);
            assertThat(a.registerCompressed(publicB)).isTrue();
            assertThat(b.registerCompressed(publicA)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!(a.isCompressedAcknowledged(publicB) && b.isCompressedAcknowledged(publicA))
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(a.isCompressedAcknowledged(publicB)).isTrue();

            for (int i = 0; i < 20; i++) {
                byte[] payload = ("compressed " + i).getBytes();
                a.send(publicB, payload, 0, payload.length);
                Received atB = inboxB.next();
                assertThat(atB.source()).isEqualTo(publicA);
                assertThat(atB.data()).isEqualTo(payload);
                b.send(publicA, payload, 0, payload.length);
                assertThat(inboxA.next().data()).isEqualTo(payload);
            }
        }
    }

    @Test
    void aBusyPeerGetsACompressedContextByItself() throws Exception {
        Inbox inboxB = new Inbox();
        try (BindClient a = bind(new Inbox()); BindClient b = bind(inboxB)) {
            InetSocketAddress publicB = b.publicAddresses().get(0);
            int before = a.openContexts();
            for (int i = 0; i < BindClient.BUSY_PEER_PAYLOADS + 4; i++) {
                byte[] payload = ("busy " + i).getBytes();
                a.send(publicB, payload, 0, payload.length);
                assertThat(inboxB.next().data()).isEqualTo(payload);
            }
            assertThat(a.openContexts()).isEqualTo(before + 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!a.isCompressedAcknowledged(publicB) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(a.isCompressedAcknowledged(publicB)).isTrue();
        }
    }

    @Test
    void theRelayRefusesRequestsOverItsGlobalCapWith503() throws Exception {
        relay.close();
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLoopbackTargets(true).withLimits(2, 10, 16, 0, 600));
        relayAddress = relay.address();
        try (BindClient a = bind(new Inbox()); BindClient b = bind(new Inbox())) {
            assertThat(relay.openSessions()).isEqualTo(2);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> bind(new Inbox()))
                    .isInstanceOf(io.punchline.masque.BindException.class)
                    .hasMessageContaining("503");
        }
    }

    @Test
    void anIdleTimeoutUnderTwoMinutesIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayConfig.defaults(new InetSocketAddress(0))
                        .withIdleTimeout(Duration.ofSeconds(119)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 minutes");
    }

    @Test
    void aPayloadTooLargeForADatagramFrameArrivesWholeAsACapsule() throws Exception {
        Inbox inboxA = new Inbox();
        Inbox inboxB = new Inbox();
        try (BindClient a = bind(inboxA); BindClient b = bind(inboxB)) {
            byte[] big = new byte[1400];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 7);
            }
            assertThat(big.length).isGreaterThan(a.maxFrameDatagram());
            a.send(b.publicAddresses().get(0), big, 0, big.length);
            assertThat(inboxB.next().data()).isEqualTo(big);
            b.send(a.publicAddresses().get(0), big, 0, big.length);
            assertThat(inboxA.next().data()).isEqualTo(big);
        }
    }

    @Test
    void aPlainUdpHostReachesAClientThroughItsPublicAddressAndGetsAnswers() throws Exception {
        Inbox inbox = new Inbox();
        try (BindClient client = bind(inbox); DatagramSocket host = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            host.setSoTimeout(10_000);
            InetSocketAddress publicAddress = client.publicAddresses().get(0);
            byte[] ping = "ping".getBytes();
            host.send(new DatagramPacket(ping, ping.length, publicAddress));
            Received received = inbox.next();
            assertThat(received.source()).isEqualTo(host.getLocalSocketAddress());
            assertThat(received.data()).isEqualTo(ping);

            byte[] pong = "pong".getBytes();
            client.send(received.source(), pong, 0, pong.length);
            DatagramPacket packet = new DatagramPacket(new byte[100], 100);
            host.receive(packet);
            assertThat(packet.getSocketAddress()).isEqualTo(publicAddress);
            assertThat(Arrays.copyOf(packet.getData(), packet.getLength())).isEqualTo(pong);
        }
    }
}
