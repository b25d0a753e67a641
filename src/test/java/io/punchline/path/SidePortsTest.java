package io.punchline.path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Side ports of hard-NAT punching on real loopback sockets: each sends the opener from a port of its own, a probe
 * arriving on one reaches the probe handler with a way to tie its source to that port, and once tied everything the
 * engine socket sends to that address leaves from that port; ports not in use close, the tied one stays.
 */
@Timeout(30)
class SidePortsTest {

    record Arrival(byte[] data, InetSocketAddress source, EngineSocket.Tie tie) {
    }

    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private EngineSocket socket;
    private DatagramSocket peer;
    private InetSocketAddress peerAddress;

    @BeforeEach
    void bind() throws Exception {
        socket = EngineSocket.bind(new InetSocketAddress(loopback, 0));
        peer = new DatagramSocket(0, loopback);
        peer.setSoTimeout(5000);
        peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
    }

    @AfterEach
    void close() {
        peer.close();
        socket.close();
    }

    @Test
    void anAddressTiedToTheSidePortItsProbeCameInOnIsReachedFromThatPort() throws Exception {
        BlockingQueue<Arrival> arrivals = arrivals(socket);

        PortSet ports = socket.openPorts(Collections.nCopies(8, peerAddress), new byte[]{0x03, 1, 2, 3});
        assertThat(ports.size()).isEqualTo(8);
        Set<Integer> sourcePorts = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            DatagramPacket opener = receive(peer);
            assertThat(opener.getData()[0]).isEqualTo((byte) 0x03);
            sourcePorts.add(opener.getPort());
        }
        assertThat(sourcePorts).as("one opener from each port").hasSize(8).doesNotContain(socket.localAddress().getPort());

        // before any tie, the engine socket's own port sends
        socket.send(new byte[]{0x04}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).isEqualTo(socket.localAddress().getPort());

        int chosen = sourcePorts.iterator().next();
        peer.send(new DatagramPacket(new byte[]{0x01, 9}, 2, new InetSocketAddress(loopback, chosen)));
        Arrival arrival = arrivals.poll(5, TimeUnit.SECONDS);
        assertThat(arrival).isNotNull();
        assertThat(arrival.source()).isEqualTo(peerAddress);
        assertThat(arrival.tie()).as("a side port offers the tie").isNotNull();
        arrival.tie().tie(false);

        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).as("sent from the tied port").isEqualTo(chosen);

        // a probe on another port ties the address there only when it replaces (the peer's challenge does)
        int other = sourcePorts.stream().filter(p -> p != chosen).findFirst().orElseThrow();
        peer.send(new DatagramPacket(new byte[]{0x03, 7}, 2, new InetSocketAddress(loopback, other)));
        Arrival second = arrivals.poll(5, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        second.tie().tie(false);
        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).as("a keepalive does not move a tie").isEqualTo(chosen);
        second.tie().tie(true);
        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).as("a challenge does").isEqualTo(other);
        arrival.tie().tie(true);

        ports.closeUnused();
        peer.send(new DatagramPacket(new byte[]{0x01, 9}, 2, new InetSocketAddress(loopback, other)));
        peer.send(new DatagramPacket(new byte[]{0x01, 8}, 2, new InetSocketAddress(loopback, chosen)));
        Arrival still = arrivals.poll(5, TimeUnit.SECONDS);
        assertThat(still).isNotNull();
        assertThat(still.data()[1]).as("only the tied port still listens").isEqualTo((byte) 8);

        ports.close();
        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).as("untied: the engine socket again").isEqualTo(socket.localAddress().getPort());
    }

    @Test
    void thePeersChallengeOnTheEngineSocketUntiesItsAddressAndALaterSprayProbeDoesNotTieItAgain() throws Exception {
        BlockingQueue<Arrival> arrivals = arrivals(socket);
        PortSet ports = socket.openPorts(Collections.nCopies(2, peerAddress), new byte[]{0x03});
        int sidePort = receive(peer).getPort();
        receive(peer);
        InetSocketAddress side = new InetSocketAddress(loopback, sidePort);
        InetSocketAddress engine = socket.localAddress();

        // a spray probe on a side port ties the address there
        peer.send(new DatagramPacket(new byte[]{0x01, 1}, 2, side));
        arrivals.poll(5, TimeUnit.SECONDS).tie().tie(false);
        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).isEqualTo(sidePort);

        // the peer validates the engine socket's own mapping: its challenge there unties the address
        peer.send(new DatagramPacket(new byte[]{0x01, 2}, 2, new InetSocketAddress(loopback, engine.getPort())));
        Arrival onEngine = arrivals.poll(5, TimeUnit.SECONDS);
        assertThat(onEngine.tie()).as("the engine socket offers an untie").isNotNull();
        onEngine.tie().tie(false);
        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).as("a keepalive on the engine socket moves nothing").isEqualTo(sidePort);
        onEngine.tie().tie(true);
        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).as("a challenge on the engine socket unties").isEqualTo(engine.getPort());

        // a spray probe still in flight does not tie it back; the peer's challenge on a side port does
        peer.send(new DatagramPacket(new byte[]{0x01, 3}, 2, side));
        Arrival late = arrivals.poll(5, TimeUnit.SECONDS);
        late.tie().tie(false);
        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).as("a late spray probe").isEqualTo(engine.getPort());
        late.tie().tie(true);
        socket.send(new byte[]{0x02}, 0, 1, peerAddress);
        assertThat(receive(peer).getPort()).as("a challenge on the side port").isEqualTo(sidePort);
        ports.close();
    }

    @Test
    void twoHundredFiftySixPortsOpenQuicklyAndAllSendTheirOpener() throws Exception {
        peer.setReceiveBufferSize(1 << 20);
        long start = System.nanoTime();
        PortSet ports = socket.openPorts(Collections.nCopies(256, peerAddress), new byte[]{0x03});
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("opened " + ports.size() + " side ports in " + millis + " ms");
        assertThat(ports.size()).isEqualTo(256);
        Set<Integer> sources = new HashSet<>();
        for (int i = 0; i < 256; i++) {
            sources.add(receive(peer).getPort());
        }
        assertThat(sources).hasSize(256);
        ports.close();
    }

    @Test
    void eachPortSendsToItsOwnTargetAndAResendGoesAgainFromTheSamePorts() throws Exception {
        List<DatagramSocket> peers = new ArrayList<>();
        try {
            List<InetSocketAddress> targets = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                DatagramSocket target = new DatagramSocket(0, loopback);
                target.setSoTimeout(5000);
                peers.add(target);
                targets.add((InetSocketAddress) target.getLocalSocketAddress());
            }
            PortSet ports = socket.openPorts(targets, new byte[]{0x03, 1});
            assertThat(ports.size()).isEqualTo(4);
            List<Integer> from = new ArrayList<>();
            for (DatagramSocket target : peers) {
                DatagramPacket opener = receive(target);
                assertThat(opener.getData()[1]).isEqualTo((byte) 1);
                from.add(opener.getPort());
            }
            assertThat(new HashSet<>(from)).as("a port of its own per target").hasSize(4);
            ports.resend(new byte[]{0x03, 2});
            for (int i = 0; i < peers.size(); i++) {
                DatagramPacket again = receive(peers.get(i));
                assertThat(again.getData()[1]).isEqualTo((byte) 2);
                assertThat(again.getPort()).as("target %d hears the resend from the same port", i).isEqualTo(from.get(i));
            }
            ports.close();
            ports.resend(new byte[]{0x03, 3});
            peers.get(0).setSoTimeout(300);
            assertThatThrownBy(() -> peers.get(0).receive(new DatagramPacket(new byte[16], 16)))
                    .as("closed ports send nothing").isInstanceOf(SocketTimeoutException.class);
        } finally {
            peers.forEach(DatagramSocket::close);
        }
    }

    /** What the engine socket's probe handler hears, with the tie each probe offers. */
    private static BlockingQueue<Arrival> arrivals(EngineSocket socket) {
        BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        socket.setProbeHandler((data, offset, length, source, viaRelay, tie) -> arrivals.add(new Arrival(data, source, tie)));
        return arrivals;
    }

    private static DatagramPacket receive(DatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing arrived", e);
        }
        return packet;
    }
}
