package io.punchline.relay;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real UDP sockets on loopback, read by the relay's one socket reader. */
@Timeout(30)
class TunnelSocketsTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final TunnelSockets sockets;

    TunnelSocketsTest() throws Exception {
        sockets = new TunnelSockets("test-tunnel-sockets");
    }

    @AfterEach
    void stop() {
        sockets.close();
    }

    @Test
    void eachTunnelGetsThePacketsOfItsOwnSocketWithTheirSender() throws Exception {
        DatagramChannel a = TunnelSockets.open(ANY_LOOPBACK_PORT);
        DatagramChannel b = TunnelSockets.open(ANY_LOOPBACK_PORT);
        Recorder toA = new Recorder();
        Recorder toB = new Recorder();
        sockets.register(a, toA);
        sockets.register(b, toB);
        try (DatagramSocket sender = new DatagramSocket(ANY_LOOPBACK_PORT)) {
            for (int i = 0; i < 100; i++) {
                send(sender, a, "a" + i);
                send(sender, b, "b" + i);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(toA.next()).isEqualTo("a" + i + " from " + sender.getLocalPort());
                assertThat(toB.next()).isEqualTo("b" + i + " from " + sender.getLocalPort());
            }
        } finally {
            sockets.release(a);
            sockets.release(b);
        }
    }

    @Test
    void aReleasedSocketsPortIsFreeAgainAndItsTunnelHearsNothingMore() throws Exception {
        DatagramChannel channel = TunnelSockets.open(ANY_LOOPBACK_PORT);
        InetSocketAddress address = (InetSocketAddress) channel.getLocalAddress();
        Recorder tunnel = new Recorder();
        sockets.register(channel, tunnel);
        sockets.release(channel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        DatagramSocket again = null;
        while (again == null) {
            try {
                again = new DatagramSocket(address);
            } catch (java.net.BindException e) {
                assertThat(System.nanoTime()).as("port still taken: %s", e.getMessage()).isLessThan(deadline);
                Thread.sleep(10);
            }
        }
        again.close();
        assertThat(tunnel.packets.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aTunnelThatThrowsDoesNotStopTheReaderForTheOthers() throws Exception {
        DatagramChannel bad = TunnelSockets.open(ANY_LOOPBACK_PORT);
        DatagramChannel good = TunnelSockets.open(ANY_LOOPBACK_PORT);
        Recorder toGood = new Recorder();
        sockets.register(bad, new TunnelSockets.Tunnel() {
            @Override
            public void fromUdp(InetSocketAddress source, byte[] data, int offset, int length) {
                throw new IllegalStateException("broken tunnel");
            }

            @Override
            public void socketFailed(String why) {
            }
        });
        sockets.register(good, toGood);
        try (DatagramSocket sender = new DatagramSocket(ANY_LOOPBACK_PORT)) {
            send(sender, bad, "x");
            send(sender, good, "y");
            assertThat(toGood.next()).isEqualTo("y from " + sender.getLocalPort());
        } finally {
            sockets.release(bad);
            sockets.release(good);
        }
    }

    @Test
    void closingWhilePacketsArriveEndsTheReaderWithoutAnException() throws Exception {
        // closed from another thread, the selector used to change its selected keys under the reader's iteration
        // (a ConcurrentModificationException out of the reader, seen on relays closed in a full test run)
        for (int round = 0; round < 30; round++) {
            String name = "closing-tunnel-sockets-" + round;
            TunnelSockets closing = new TunnelSockets(name);
            Thread reader = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals(name)).findFirst().orElseThrow();
            BlockingQueue<Throwable> uncaught = new LinkedBlockingQueue<>();
            reader.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
            DatagramChannel[] channels = new DatagramChannel[8];
            for (int i = 0; i < channels.length; i++) {
                channels[i] = TunnelSockets.open(ANY_LOOPBACK_PORT);
                closing.register(channels[i], new Recorder());
            }
            try (DatagramSocket sender = new DatagramSocket(ANY_LOOPBACK_PORT)) {
                for (int i = 0; i < 200; i++) {
                    send(sender, channels[i % channels.length], "p" + i);
                }
                closing.close();
                reader.join(5000);
                assertThat(reader.isAlive()).as("reader still running after close").isFalse();
                assertThat(uncaught).as("the reader's end").isEmpty();
            } finally {
                for (DatagramChannel channel : channels) {
                    channel.close();
                }
            }
        }
    }

    private static void send(DatagramSocket sender, DatagramChannel to, String text) throws Exception {
        byte[] bytes = text.getBytes();
        sender.send(new DatagramPacket(bytes, bytes.length, to.getLocalAddress()));
    }

    private static final class Recorder implements TunnelSockets.Tunnel {
        final BlockingQueue<String> packets = new LinkedBlockingQueue<>();

        @Override
        public void fromUdp(InetSocketAddress source, byte[] data, int offset, int length) {
            packets.add(new String(Arrays.copyOfRange(data, offset, offset + length)) + " from " + source.getPort());
        }

        @Override
        public void socketFailed(String why) {
            packets.add("failed: " + why);
        }

        String next() throws InterruptedException {
            return packets.poll(5, TimeUnit.SECONDS);
        }
    }
}
