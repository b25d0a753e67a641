package io.punchline.quic;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tech.kwik.core.frame.DatagramFrame;
import tech.kwik.core.frame.PingFrame;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class UnrepeatedDatagramFrameTest {

    private static final String ALPN = "unrepeated-test";
    private KwikTestPair pair;

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void theFirstWriteIsTheDatagramAndEveryLaterOneAPingPaddedToTheSameLength() throws Exception {
        byte[] payload = new byte[300];
        Arrays.fill(payload, (byte) 0x5a);
        UnrepeatedDatagramFrame frame = new UnrepeatedDatagramFrame(payload);
        int length = frame.getFrameLength();

        ByteBuffer first = ByteBuffer.allocate(length);
        frame.serialize(first);
        assertThat(first.position()).isEqualTo(length);
        first.flip();
        DatagramFrame parsed = (DatagramFrame) new DatagramFrame().parse(first, new NullLogger());
        assertThat(parsed.getData()).isEqualTo(payload);

        for (int again = 0; again < 2; again++) { // kwik may send a probe twice
            ByteBuffer repeat = ByteBuffer.allocate(length);
            frame.serialize(repeat);
            assertThat(repeat.position()).as("same length as the datagram frame").isEqualTo(length);
            byte[] bytes = repeat.array();
            repeat.flip();
            assertThat(new PingFrame().parse(repeat, new NullLogger()))
                    .as("a PING frame, so the probe still elicits an ACK").isInstanceOf(PingFrame.class);
            for (int i = 1; i < length; i++) {
                assertThat(bytes[i]).as("PADDING at %d", i).isZero();
            }
        }
    }

    /**
     * The cause, on real kwik: a client that hears no ACK sends probes made of its unacknowledged packet's frames; the
     * server must still get the datagram once.
     */
    @Test
    void aDatagramWhoseAckIsLateReachesThePeerOnceThoughKwikProbesWithItsPacket() throws Exception {
        AtomicInteger datagrams = new AtomicInteger();
        ExecutorService handler = Executors.newSingleThreadExecutor();
        DeafSocket socket = new DeafSocket();
        pair = KwikTestPair.connect(ALPN, new ApplicationProtocolConnectionFactory() {
            @Override
            public ApplicationProtocolConnection createConnection(String protocol, tech.kwik.core.QuicConnection connection) {
                connection.setDatagramHandler(data -> datagrams.incrementAndGet(), handler);
                return new ApplicationProtocolConnection() { };
            }

            @Override
            public boolean enableDatagramExtension() {
                return true;
            }
        }, builder -> builder.enableDatagramExtension().socketFactory(address -> socket), connecting -> { });

        // once one arrived, both ends have the connection up; until the server's handler is in place (kwik calls
        // createConnection after the handshake, which the client may finish first) a datagram is dropped, as RFC 9221
        // allows, so send until one arrives
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (datagrams.get() == 0 && System.nanoTime() < deadline) {
            OrderedDatagrams.send(pair.client(), new byte[100]);
            Thread.sleep(100);
        }
        await(() -> datagrams.get() >= 1, "a first datagram arrived");
        Thread.sleep(500); // one more sent just before the check may still be on its way
        int first = datagrams.get();
        socket.deaf = true; // from now on the client hears no ACK, so its probe timer fires
        OrderedDatagrams.send(pair.client(), new byte[200]);
        // the datagram's packet, then probes (an ACK-only packet may come between): four sent means a probe went out
        await(() -> socket.sentWhileDeaf.get() >= 4, "the client sent its probes");
        int before = socket.dropped.get();
        // the server processes a probe (and hands any DATAGRAM frame in it to the handler) before it ACKs it: two
        // packets of the server's after the probes mean it has processed at least the first
        await(() -> socket.dropped.get() >= before + 2, "the server answered the probes");
        handler.shutdown();
        assertThat(handler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(datagrams.get() - first).as("datagrams the server received after the first").isEqualTo(1);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
