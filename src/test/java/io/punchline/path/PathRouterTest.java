package io.punchline.path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The router sends a peer's datagrams through the relay until a direct path is set, then straight, then back. */
@Timeout(30)
class PathRouterTest {

    record Relayed(InetSocketAddress target, int length) {
    }

    @Test
    void datagramsFollowTheCurrentPathAndDirectSourcesMapToTheVirtualAddress() throws Exception {
        List<Relayed> relayed = new CopyOnWriteArrayList<>();
        InetSocketAddress virtual = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 40001);
        try (EngineSocket socket = EngineSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(5000);
            PathRouter router = new PathRouter(socket, (target, data, offset, length) -> relayed.add(new Relayed(target, length)));
            byte[] packet = new byte[1200];
            packet[0] = (byte) 0xc0;

            router.send(packet, 0, packet.length, virtual);
            assertThat(relayed).containsExactly(new Relayed(virtual, 1200));

            InetSocketAddress direct = (InetSocketAddress) peer.getLocalSocketAddress();
            router.useDirect(virtual, direct);
            router.send(packet, 0, 1000, virtual);
            DatagramPacket received = new DatagramPacket(new byte[2000], 2000);
            peer.receive(received);
            assertThat(received.getLength()).isEqualTo(1000);
            assertThat(received.getSocketAddress()).isEqualTo(socket.localAddress());
            assertThat(relayed).hasSize(1);
            assertThat(router.directAddress(virtual)).isEqualTo(direct);

            router.useRelay(virtual);
            router.send(packet, 0, 500, virtual);
            assertThat(relayed).hasSize(2);
            assertThat(router.directAddress(virtual)).isNull();
            assertThat(router.directBytes()).isEqualTo(1000);
            assertThat(router.relayedBytes()).isEqualTo(1700);
        }
    }

    @Test
    void quicPacketsFromAPeersDirectAddressReachKwikWithThePeersVirtualAddress() throws Exception {
        InetSocketAddress virtual = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 40001);
        try (EngineSocket socket = EngineSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            PathRouter router = new PathRouter(socket, (target, data, offset, length) -> { });
            VirtualDatagramSocket server = socket.serverSocket(router::send);
            router.acceptFrom(virtual, (InetSocketAddress) peer.getLocalSocketAddress());
            byte[] shortHeader = new byte[40];
            shortHeader[0] = 0x41;
            peer.send(new DatagramPacket(shortHeader, shortHeader.length, socket.localAddress()));
            DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
            server.receive(packet);
            assertThat(packet.getSocketAddress()).isEqualTo(virtual);
            assertThat(packet.getLength()).isEqualTo(40);
            router.forget(virtual);
            server.close();
        }
    }
}
