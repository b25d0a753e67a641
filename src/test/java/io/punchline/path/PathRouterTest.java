package io.punchline.path;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.SegmentedDatagramPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The router sends a peer's datagrams through the relay until a direct path is set, then straight, then back. */
@Timeout(30)
class PathRouterTest {

    record Relayed(InetSocketAddress target, int length) {
    }

    @Test
    void datagramsFollowTheCurrentPathAndDirectSourcesMapToTheVirtualAddress() throws Exception {
        List<Relayed> relayed = new CopyOnWriteArrayList<>();
        InetSocketAddress virtual = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 40001);
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            PathRouter router = new PathRouter((target, data, offset, length) -> relayed.add(new Relayed(target, length)));
            InetSocketAddress direct = (InetSocketAddress) peer.getLocalSocketAddress();

            assertThat(router.directFor(virtual)).isNull();
            router.sendThroughRelay(virtual, Unpooled.wrappedBuffer(new byte[1200]));
            assertThat(relayed).containsExactly(new Relayed(virtual, 1200));
            assertThat(router.virtualFor(direct)).isEqualTo(direct);

            router.useDirect(virtual, direct);
            assertThat(router.directFor(virtual)).isEqualTo(direct);
            assertThat(router.virtualFor(direct)).isEqualTo(virtual);
            router.sentDirect(1000);

            router.useRelay(virtual);
            assertThat(router.directFor(virtual)).isNull();
            assertThat(router.virtualFor(direct)).as("late direct datagrams still map").isEqualTo(virtual);
            router.sendThroughRelay(virtual, Unpooled.wrappedBuffer(new byte[500]));
            assertThat(relayed).hasSize(2);
            assertThat(router.directBytes()).isEqualTo(1000);
            assertThat(router.relayedBytes()).isEqualTo(1700);

            router.forget(virtual);
            assertThat(router.virtualFor(direct)).isEqualTo(direct);
        }
    }

    @Test
    void probesFromTheSocketReachTheProbeHandlerWithTheirRealSource() throws Exception {
        try (EngineSocket socket = EngineSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            List<InetSocketAddress> sources = new CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch got = new java.util.concurrent.CountDownLatch(1);
            socket.setProbeHandler((data, offset, length, source, viaRelay, tie) -> {
                sources.add(source);
                got.countDown();
            });
            byte[] probe = new byte[40]; // fixed bit clear: not QUIC
            peer.send(new DatagramPacket(probe, probe.length, socket.localAddress()));
            assertThat(got.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(sources).containsExactly((InetSocketAddress) peer.getLocalSocketAddress());

            socket.send(new byte[] {1, 2, 3}, 0, 3, (InetSocketAddress) peer.getLocalSocketAddress());
            peer.setSoTimeout(5000);
            DatagramPacket echo = new DatagramPacket(new byte[100], 100);
            peer.receive(echo);
            assertThat(echo.getLength()).isEqualTo(3);
        }
    }

    /**
     * What quiche hands over as one segmented write (UDP GSO) leaves as separate datagrams: split by the kernel on the
     * direct path, by the router into one relay datagram per QUIC packet on the relayed path.
     */
    @Test
    void aSegmentedWriteLeavesAsOneDatagramPerPacketDirectAndThroughTheRelay() throws Exception {
        List<Relayed> relayed = new CopyOnWriteArrayList<>();
        InetSocketAddress virtual = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 40001);
        try (EngineSocket socket = EngineSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assumeTrue(socket.maxSegments() > 0, "UDP GSO needs Linux with epoll and UDP_SEGMENT");
            PathRouter router = new PathRouter((target, data, offset, length) -> relayed.add(new Relayed(target, length)));
            socket.installPeerCodecs(new ChannelInboundHandlerAdapter(), new ChannelInboundHandlerAdapter(), router);
            byte[] packets = new byte[1200 + 1200 + 1000];
            for (int i = 0; i < packets.length; i++) {
                packets[i] = (byte) (0x40 | i / 1200); // short-header QUIC packets, numbered by their first byte
            }

            socket.channel().writeAndFlush(new SegmentedDatagramPacket(Unpooled.wrappedBuffer(packets), 1200, virtual))
                    .sync();
            assertThat(relayed).containsExactly(new Relayed(virtual, 1200), new Relayed(virtual, 1200),
                    new Relayed(virtual, 1000));

            router.useDirect(virtual, (InetSocketAddress) peer.getLocalSocketAddress());
            socket.channel().writeAndFlush(new SegmentedDatagramPacket(Unpooled.wrappedBuffer(packets), 1200, virtual))
                    .sync();
            peer.setSoTimeout(5000);
            for (int i = 0; i < 3; i++) {
                DatagramPacket datagram = new DatagramPacket(new byte[2048], 2048);
                peer.receive(datagram);
                assertThat(datagram.getLength()).isEqualTo(i < 2 ? 1200 : 1000);
                assertThat(datagram.getData()[0]).isEqualTo((byte) (0x40 | i));
            }
            assertThat(router.directBytes()).isEqualTo(packets.length);
        }
    }
}
