package io.punchline.masque;

import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
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
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay-hop toolkit ({@link TunnelStream}) driven from both ends at once: the test's client uses it as the bind
 * client does, on a real kwik connection, and the real relay uses it for its tunnel (RFC 9297 sections 2.1, 3.2, 3.5;
 * RFC 9298). A plain CONNECT-UDP request to a real UDP socket carries the payloads.
 */
@Timeout(60)
class TunnelStreamTest {

    private static final int LARGE = 3000;

    private RelayServer relay;
    private RawRelayRequest client;
    private DatagramSocket target;
    private RawRelayRequest.Request request;
    private TunnelStream clientSide;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void open() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLoopbackTargets(true)
                .withAccess(RelayAccess.OPEN.withAnonymous(true)));
        client = new RawRelayRequest(relay.address().withoutRelayPeer());
        target = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        target.setSoTimeout(10_000);
        request = client.connectUdp("/.well-known/masque/udp/127.0.0.1/" + target.getLocalPort() + "/",
                Map.of("capsule-protocol", "?1"));
        assertThat(request.status()).isEqualTo(200);
        clientSide = new TunnelStream(client.connection.quic(), request.stream, request.writer,
                () -> DatagramSizes.maxFrameData(client.connection.quic()));
        Thread loop = new Thread(() -> clientSide.readCapsules(request.reader, 16 * 1024, () -> false,
                new TunnelStream.Receiver() {
                    @Override
                    public void onCapsule(Capsule capsule) {
                        received.add(capsule);
                    }

                    @Override
                    public void onEnd() {
                        received.add("end");
                    }

                    @Override
                    public void onMalformed(Exception cause) {
                        received.add("malformed");
                    }

                    @Override
                    public void onFailure(IOException e) {
                        received.add("failure");
                    }
                }), "test-capsules");
        loop.setDaemon(true);
        loop.start();
    }

    @AfterEach
    void close() {
        client.close();
        target.close();
        relay.close();
    }

    @Test
    void aDatagramThatFitsAFrameGoesAsOneAndALargerOneAsADatagramCapsuleBothWays() throws Exception {
        assertThat(clientSide.sendDatagram(datagram(request.quarterStreamId(), new byte[]{'h', 'i'}))).isFalse();
        assertThat(receiveAtTarget()).isEqualTo(new byte[]{'h', 'i'});
        byte[] large = filled(LARGE, (byte) 7);
        assertThat(clientSide.sendDatagram(datagram(request.quarterStreamId(), large))).isTrue();
        DatagramPacket packet = new DatagramPacket(new byte[LARGE * 2], LARGE * 2);
        target.receive(packet);
        assertThat(Arrays.copyOf(packet.getData(), packet.getLength())).isEqualTo(large);

        // back: the relay's side of the toolkit chooses the same way
        target.send(new DatagramPacket(new byte[]{'y', 'o'}, 2, packet.getSocketAddress()));
        assertThat(client.nextDatagram()).isEqualTo(datagram(request.quarterStreamId(), new byte[]{'y', 'o'}));
        byte[] largeBack = filled(LARGE, (byte) 9);
        target.send(new DatagramPacket(largeBack, largeBack.length, packet.getSocketAddress()));
        Object capsule = received.poll(10, TimeUnit.SECONDS);
        assertThat(capsule).isInstanceOf(DatagramCapsule.class);
        byte[] payload = ((DatagramCapsule) capsule).payload();
        assertThat(payload[0]).isEqualTo((byte) 0); // Context ID 0, then the UDP payload
        assertThat(Arrays.copyOfRange(payload, 1, payload.length)).isEqualTo(largeBack);
    }

    @Test
    void aCleanEndOfTheRequestStreamEndsTheOtherSidesLoopCleanly() throws Exception {
        clientSide.finish();
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("end");
    }

    @Test
    void aMalformedCapsuleMakesTheRelayAbortTheStreamWhichEndsTheClientsLoopWithAFailure() throws Exception {
        // a control capsule (COMPRESSION_ACK) whose declared length runs past its value: RFC 9297 section 3.3
        request.sendRaw(new byte[]{0x12, 0x41, 0x00});
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("failure");
        // the tunnel is gone: the target hears nothing of later datagrams
        request.sendDatagram(new byte[]{0, 'x'});
        target.setSoTimeout(500);
        DatagramPacket packet = new DatagramPacket(new byte[16], 16);
        assertThat(receivesWithin(packet)).isFalse();
    }

    private boolean receivesWithin(DatagramPacket packet) throws IOException {
        try {
            target.receive(packet);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private byte[] receiveAtTarget() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[LARGE * 2], LARGE * 2);
        target.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    /** Quarter Stream ID, Context ID 0, payload. */
    private static byte[] datagram(long quarterStreamId, byte[] payload) {
        byte[] datagram = new byte[QuicVarint.encodedLength(quarterStreamId) + 1 + payload.length];
        int at = QuicVarint.encode(quarterStreamId, datagram, 0);
        datagram[at] = 0;
        System.arraycopy(payload, 0, datagram, at + 1, payload.length);
        return datagram;
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
