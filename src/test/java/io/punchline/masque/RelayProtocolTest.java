package io.punchline.masque;

import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.tls.CertificateFingerprint;
import io.punchline.wire.QuicVarint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The relay's request handling and error rules (draft-ietf-masque-connect-udp-listen-13, RFC 9298, RFC 9297),
 * checked on the wire with a client that can send anything. The relay serves anonymous clients (--allow-anonymous),
 * as standard MASQUE clients are; relay authentication is checked in RelayAuthenticationTest.
 */
@Timeout(60)
class RelayProtocolTest {

    private RelayServer relay;
    private RelayAddress address;

    @BeforeEach
    void start() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLoopbackTargets(true)
                .withLimits(100, 4, 8, 0, 600)
                .withAccess(RelayAccess.OPEN.withAnonymous(true)));
        // a standard MASQUE client: it knows the relay's certificate, nothing of relay authentication
        address = relay.address().withoutRelayPeer();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void bindResponseEchoesConnectUdpBindAndAnnouncesAQuotedPublicAddress() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            RawRelayRequest.Request bind = client.bindAny();
            assertThat(bind.status()).isEqualTo(200);
            assertThat(bind.header("connect-udp-bind")).containsExactly("?1");
            assertThat(bind.header("capsule-protocol")).containsExactly("?1");
            assertThat(bind.header("proxy-public-address")).hasSize(1);
            String announced = bind.header("proxy-public-address").get(0);
            assertThat(announced).matches("\"127\\.0\\.0\\.1:\\d+\"");
            // Punchline's: the relay never closes a bind for idleness, so its client sends no keepalives through it
            assertThat(bind.header("punchline-bind-kept")).containsExactly("?1");
        }
    }

    @Test
    void aClientOfARelayThatKeepsBindsSendsNoKeepalivesThroughIt() throws Exception {
        try (BindClient kept = BindClient.connect(address, null, (source, data, offset, length) -> { },
                Duration.ofSeconds(10))) {
            assertThat(kept.relayKeepsBind()).isTrue();
            assertThat(kept.sendsKeepalives()).isFalse();
        }
    }

    @Test
    void onlyOneTargetVariableBeingAStarIsRefusedWith400() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            Map<String, String> bindFields = Map.of("connect-udp-bind", "?1", "capsule-protocol", "?1");
            assertThat(client.connectUdp("/.well-known/masque/udp/%2A/443/", bindFields).status()).isEqualTo(400);
            assertThat(client.connectUdp("/.well-known/masque/udp/127.0.0.1/%2A/", bindFields).status()).isEqualTo(400);
        }
    }

    @Test
    void starTargetsWithoutConnectUdpBindAreRefused() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            assertThat(client.connectUdp(UdpProxyingPath.bindAny(), Map.of("capsule-protocol", "?1")).status())
                    .isEqualTo(400);
        }
    }

    @Test
    void aConnectUdpBindFieldThatIsNotABooleanIsTreatedAsAbsent() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            assertThat(client.connectUdp(UdpProxyingPath.bindAny(), Map.of("connect-udp-bind", "1")).status())
                    .isEqualTo(400);
        }
    }

    @Test
    void pathsOutsideTheWellKnownTemplateAreNotFound() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            assertThat(client.connectUdp("/other/", Map.of("connect-udp-bind", "?1")).status()).isEqualTo(404);
        }
    }

    @Test
    void prohibitedTargetsAreRefusedWith403() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            RawRelayRequest.Request multicast = client.connectUdp("/.well-known/masque/udp/224.0.0.1/5000/", Map.of());
            assertThat(multicast.status()).isEqualTo(403);
            assertThat(multicast.header("proxy-status").get(0)).contains("destination_ip_prohibited");
        }
    }

    @Test
    void plainConnectUdpCarriesContextZeroToARealTargetAndBack() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address);
             DatagramSocket target = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            target.setSoTimeout(10_000);
            RawRelayRequest.Request request = client.connectUdp(
                    "/.well-known/masque/udp/127.0.0.1/" + target.getLocalPort() + "/", Map.of("capsule-protocol", "?1"));
            assertThat(request.status()).isEqualTo(200);
            assertThat(request.header("connect-udp-bind")).isEmpty();

            request.sendDatagram(new byte[]{0x00, 'h', 'i'});
            DatagramPacket packet = new DatagramPacket(new byte[100], 100);
            target.receive(packet);
            assertThat(Arrays.copyOf(packet.getData(), packet.getLength())).isEqualTo("hi".getBytes());

            target.send(new DatagramPacket("yo".getBytes(), 2, packet.getSocketAddress()));
            byte[] back = client.nextDatagram();
            assertThat(back).isNotNull();
            byte[] expected = new byte[QuicVarint.encodedLength(request.quarterStreamId()) + 3];
            int at = QuicVarint.encode(request.quarterStreamId(), expected, 0);
            expected[at] = 0;
            expected[at + 1] = 'y';
            expected[at + 2] = 'o';
            assertThat(back).isEqualTo(expected);
        }
    }

    @Test
    void aMalformedCapsuleAbortsOnlyItsOwnRequestWhileTheRelayKeepsServing() throws Exception {
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        BindClient.Listener inbox = (source, data, offset, length) -> received.add(Arrays.copyOfRange(data, offset, offset + length));
        try (RawRelayRequest attacker = new RawRelayRequest(address);
             BindClient a = BindClient.connect(address, null, inbox, Duration.ofSeconds(10));
             BindClient b = BindClient.connect(address, null, inbox, Duration.ofSeconds(10))) {
            RawRelayRequest.Request bad = attacker.bindAny();
            RawRelayRequest.Request good = attacker.bindAny();
            assertThat(bad.status()).isEqualTo(200);
            assertThat(good.status()).isEqualTo(200);
            // an odd Context ID is the proxy's to allocate: a client ASSIGN with one is malformed
            bad.sendRaw(new byte[]{0x11, 0x02, 0x01, 0x00});
            assertThatThrownBy(bad::readCapsulesUntilEnd).isInstanceOf(IOException.class).hasMessageContaining("reset");

            // the same connection's other request still works
            good.sendCapsule(CompressionAssign.uncompressed(2));
            assertThat(good.nextCapsule()).isEqualTo(new CompressionAck(2));
            // and other clients are served
            byte[] payload = "still here".getBytes();
            a.send(b.publicAddresses().get(0), payload, 0, payload.length);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(payload);
        }
    }

    @Test
    void truncatedCapsuleAtStreamEndAbortsTheRequest() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            RawRelayRequest.Request bind = client.bindAny();
            bind.sendRaw(new byte[]{0x11, 0x08, 0x04, 0x04});  // ASSIGN promising 8 value bytes, giving 2
            bind.writer.close();
            assertThatThrownBy(bind::readCapsulesUntilEnd).isInstanceOf(IOException.class);
        }
    }

    @Test
    void contextZeroOnABindAnyRequestAbortsTheRequest() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            RawRelayRequest.Request bind = client.bindAny();
            bind.sendDatagram(new byte[]{0x00, 1, 2, 3});
            assertThatThrownBy(bind::readCapsulesUntilEnd).isInstanceOf(IOException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void repeatedContextIdAbortsTheRequest() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            RawRelayRequest.Request bind = client.bindAny();
            bind.sendCapsule(CompressionAssign.uncompressed(2));
            assertThat(bind.nextCapsule()).isEqualTo(new CompressionAck(2));
            bind.sendCapsule(new CompressionAssign(2, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)));
            assertThatThrownBy(bind::readCapsulesUntilEnd).isInstanceOf(IOException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void registrationsOverTheContextCapAreRejectedWithClose() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            RawRelayRequest.Request bind = client.bindAny();
            bind.sendCapsule(CompressionAssign.uncompressed(2));
            assertThat(bind.nextCapsule()).isEqualTo(new CompressionAck(2));
            // the relay in this test allows 8 open context IDs: 2 and seven compressed ones
            for (int i = 0; i < 7; i++) {
                long id = 4 + 2L * i;
                bind.sendCapsule(new CompressionAssign(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1000 + i)));
                assertThat(bind.nextCapsule()).isEqualTo(new CompressionAck(id));
            }
            bind.sendCapsule(new CompressionAssign(18, new InetSocketAddress(InetAddress.getLoopbackAddress(), 2000)));
            assertThat(bind.nextCapsule()).isEqualTo(new CompressionClose(18));
        }
    }

    @Test
    void registrationsOfProhibitedTargetsAreRejectedWithClose() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            RawRelayRequest.Request bind = client.bindAny();
            bind.sendCapsule(CompressionAssign.uncompressed(2));
            assertThat(bind.nextCapsule()).isEqualTo(new CompressionAck(2));
            bind.sendCapsule(new CompressionAssign(4, new InetSocketAddress(InetAddress.getByName("224.0.0.9"), 520)));
            assertThat(bind.nextCapsule()).isEqualTo(new CompressionClose(4));
        }
    }

    @Test
    void requestsOverThePerClientCapAreRefusedWith429() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            for (int i = 0; i < 4; i++) {
                assertThat(client.bindAny().status()).isEqualTo(200);
            }
            assertThat(client.bindAny().status()).isEqualTo(429);
        }
    }

    @Test
    void theSocketClosesWhenItsRequestStreamEnds() throws Exception {
        try (RawRelayRequest client = new RawRelayRequest(address)) {
            RawRelayRequest.Request bind = client.bindAny();
            assertThat(relay.openSessions()).isEqualTo(1);
            bind.writer.close();
            assertThat(bind.readCapsulesUntilEnd()).isEmpty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (relay.openSessions() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(relay.openSessions()).isZero();
        }
    }

    @Test
    void aRelayWhoseCertificateDoesNotMatchThePinIsRefused() {
        RelayAddress wrongPin = new RelayAddress(address.host(), address.port(), new CertificateFingerprint(new byte[32]), null);
        assertThatThrownBy(() -> BindClient.connect(wrongPin, null, (s, d, o, l) -> { }, Duration.ofSeconds(5)))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("fingerprint");
    }

    @Test
    void aRelayThatNeverAnswersIsReportedAsNotCompletingTheHandshake() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            RelayAddress mute = new RelayAddress("127.0.0.1", silent.getLocalPort(), address.fingerprint(), null);
            assertThatThrownBy(() -> BindClient.connect(mute, null, (s, d, o, l) -> { }, Duration.ofSeconds(1)))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("did not complete the QUIC handshake within 1 s");
        }
    }

    @Test
    void datagramsOfEverySizeAroundTheFrameLimitArriveWhole() throws Exception {
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        try (BindClient a = BindClient.connect(address, null, (s, d, o, l) -> { }, Duration.ofSeconds(10));
             BindClient b = BindClient.connect(address, null,
                     (s, d, o, l) -> received.add(Arrays.copyOfRange(d, o, o + l)), Duration.ofSeconds(10))) {
            InetSocketAddress target = b.publicAddresses().get(0);
            int limit = a.maxFrameDatagram();
            for (int size = limit - 40; size <= limit + 40; size++) {
                byte[] payload = new byte[size];
                Arrays.fill(payload, (byte) size);
                a.send(target, payload, 0, size);
                byte[] got = received.poll(10, TimeUnit.SECONDS);
                assertThat(got).as("payload of %d bytes (frame limit %d)", size, limit).isNotNull();
                assertThat(Arrays.equals(got, payload)).as("payload of %d bytes intact", size).isTrue();
            }
        }
    }

}
