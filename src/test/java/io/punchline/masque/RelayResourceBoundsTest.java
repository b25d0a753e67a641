package io.punchline.masque;

import io.punchline.quic.StreamSendGuard;
import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayResources;
import io.punchline.relay.RelayServer;
import io.punchline.relay.RelayStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.QuicStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a client can make the relay hold is bounded (docs/SECURITY.md, "The relay operator's side"): the queue of
 * datagrams for a client that withholds ACKs, the time and threads of request streams that stall, the worker pool, and
 * connections per client. A real relay in process, real kwik/flupke clients.
 */
@Timeout(60)
class RelayResourceBoundsTest {

    private static final int QUEUE_CAP = 64 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(1);

    private RelayServer relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private RelayServer start(RelayResources resources, int maxSessions) throws IOException {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLoopbackTargets(true)
                .withLimits(maxSessions, Math.min(maxSessions, 32), 8, 0, 600)
                .withAccess(RelayAccess.OPEN.withAnonymous(true))
                .withResources(resources));
        return relay;
    }

    @Test
    void aClientThatWithholdsAcksGetsABoundedQueueAndTheDropsAreCounted() throws Exception {
        start(RelayResources.DEFAULT.withSendQueueBytes(QUEUE_CAP), 100);
        BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
        MuteSocket muted = new MuteSocket();
        try (BindClient client = BindClient.connect(relay.address().withoutRelayPeer(), address -> muted,
                (source, data, offset, length) -> inbox.add(Arrays.copyOfRange(data, offset, offset + length)),
                Duration.ofSeconds(10));
             DatagramSocket flooder = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress bind = client.publicAddresses().get(0);
            flooder.send(new DatagramPacket("first".getBytes(), 5, bind));
            assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo("first".getBytes());

            muted.mute(); // the client neither reads nor acknowledges any more
            byte[] payload = new byte[1000];
            long largest = 0;
            long sent = 0;
            // paced so that the relay's socket takes them all in even on a loaded machine; until well past the cap
            while (relay.statistics().sendQueueFull() < 200 && sent < 20_000) {
                for (int i = 0; i < 20; i++, sent++) {
                    flooder.send(new DatagramPacket(payload, payload.length, bind));
                }
                largest = Math.max(largest, relay.statistics().sendQueueBytes());
                Thread.sleep(1);
            }
            RelayStatistics after = relay.statistics();
            largest = Math.max(largest, after.sendQueueBytes());
            // megabytes went to a client that takes nothing: the relay holds at most its cap and counts what it dropped
            assertThat(after.sendQueueFull()).as("drops counted after %d datagrams", sent).isGreaterThanOrEqualTo(200);
            assertThat(largest).isLessThanOrEqualTo(QUEUE_CAP);
        }
    }

    @Test
    void aRequestStreamThatNeverCompletesItsHeadersIsResetAfterTheDeadlineAndFreesItsThread() throws Exception {
        start(RelayResources.DEFAULT.withRequestDeadline(DEADLINE), 100);
        try (RawRelayRequest client = new RawRelayRequest(relay.address().withoutRelayPeer())) {
            client.post(RelayAuthRequests.CHALLENGE_PATH, new byte[0]); // the connection's streams are all up
            // the challenge's worker may still be finishing when its answer arrives: wait until it is free again (a
            // count taken while it was busy made the last check wait for a worker that had long been released)
            int busyBefore = awaitStatistics(s -> s.busyWorkers() == 0).busyWorkers();
            List<QuicStream> stalled = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                QuicStream stream = client.connection.http3().openRequestStream();
                OutputStream out = stream.getOutputStream();
                out.write(new byte[]{0x01, 0x20, 0x00, 0x00}); // HEADERS of 32 bytes, 2 of them sent
                out.flush();
                stalled.add(stream);
            }
            // held by three workers now, or (on a slow machine) already held and timed out: the deadline is 1 s
            awaitStatistics(s -> s.busyWorkers() == busyBefore + 3 || s.requestsTimedOut() == 3);

            long started = System.nanoTime();
            for (QuicStream stream : stalled) {
                InputStream in = stream.getInputStream();
                assertThatThrownBy(() -> in.read()).isInstanceOf(IOException.class);
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(elapsedMillis).isLessThan(DEADLINE.toMillis() + 5000);
            RelayStatistics after = awaitStatistics(s -> s.busyWorkers() == busyBefore);
            assertThat(after.requestsTimedOut()).isEqualTo(3);
        }
    }

    @Test
    void aPostWhoseBodyStallsIsAnswered408AfterTheDeadline() throws Exception {
        start(RelayResources.DEFAULT.withRequestDeadline(DEADLINE), 100);
        try (RawRelayRequest client = new RawRelayRequest(relay.address().withoutRelayPeer())) {
            RelayHttp3Connection http3 = client.connection.http3();
            QuicStream stream = http3.openRequestStream();
            RequestStreamWriter writer = new RequestStreamWriter(stream.getOutputStream());
            writer.writeHeaders(http3.encodeRequest(RelayAuthRequests.post(relay.address(), RelayAuthRequests.PROOF_PATH),
                    Map.of()));
            writer.writeData(new byte[1000]); // of a 5293-byte proof
            long started = System.nanoTime();
            RequestStreamReader reader = new RequestStreamReader(stream.getInputStream());
            RequestStreamReader.Item item = reader.next(16 * 1024);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(item).isInstanceOf(RequestStreamReader.Headers.class);
            var response = http3.decodeResponse(((RequestStreamReader.Headers) item).fieldSection());
            assertThat(response.getPseudoHeader(":status")).isEqualTo("408");
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(DEADLINE.toMillis() - 100).isLessThan(DEADLINE.toMillis() + 5000);
            assertThat(relay.statistics().requestsTimedOut()).isEqualTo(1);
        }
    }

    @Test
    void requestStreamsBeyondTheWorkerPoolAreRejectedAtOnce() throws Exception {
        // pool: 1 session + 1 connection + 2 request workers; the connection's control stream holds one
        start(RelayResources.DEFAULT.withRequestDeadline(Duration.ofSeconds(20)).withRequestWorkers(2)
                .withConnections(1, 1), 1);
        try (RawRelayRequest client = new RawRelayRequest(relay.address().withoutRelayPeer())) {
            List<QuicStream> streams = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                QuicStream stream = client.connection.http3().openRequestStream();
                stream.getOutputStream().write(new byte[]{0x01, 0x20, 0x00});
                // a raw kwik write, not RequestStreamWriter's: without the guard it can wait for a next write that
                // never comes (docs/ARCHITECTURE.md, kwik's known limits), and the relay never sees this stream
                StreamSendGuard.afterWrite(stream.getOutputStream());
                streams.add(stream);
            }
            RelayStatistics after = awaitStatistics(s -> s.requestsRejectedBusy() >= 2);
            assertThat(after.busyWorkers()).isLessThanOrEqualTo(4);
            // every rejected stream is reset at once, long before the 20-second deadline; which ones were rejected
            // depends on when the workers of the connection's other streams were free, so all six are read
            ExecutorService readers = Executors.newFixedThreadPool(streams.size());
            try {
                List<Future<Integer>> reads = new ArrayList<>();
                for (QuicStream stream : streams) {
                    reads.add(readers.submit(() -> stream.getInputStream().read()));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                int reset = 0;
                for (Future<Integer> read : reads) {
                    try {
                        read.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(IOException.class);
                        reset++;
                    } catch (TimeoutException stillWaiting) {
                        // a stream a worker took: it waits for its headers until the request deadline
                    }
                }
                assertThat(reset).as("streams reset within 10 s").isGreaterThanOrEqualTo((int) after.requestsRejectedBusy());
            } finally {
                readers.shutdownNow();
            }
        }
    }

    @Test
    void connectionsFromOneClientBeyondTheCapAreClosed() throws Exception {
        start(RelayResources.DEFAULT.withConnections(100, 2), 100);
        RelayAddress address = relay.address().withoutRelayPeer();
        try (RawRelayRequest first = new RawRelayRequest(address);
             RawRelayRequest second = new RawRelayRequest(address)) {
            assertThat(first.bindAny().status()).isEqualTo(200);
            assertThat(second.bindAny().status()).isEqualTo(200);
            // the relay closes the third at once with H3_EXCESSIVE_LOAD; this client reports "relay busy"
            assertThatThrownBy(() -> {
                try (RawRelayRequest third = new RawRelayRequest(address)) {
                    third.bindAny();
                }
            }).isInstanceOf(Exception.class);
            assertThat(awaitStatistics(s -> s.connectionsRefused() == 1).connectionsRefused()).isEqualTo(1);
        }
        // slots come back when connections end
        try (RawRelayRequest again = new RawRelayRequest(address)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                try {
                    status = again.bindAny().status();
                } catch (Exception e) {
                    Thread.sleep(100);
                }
            }
            assertThat(status).isEqualTo(200);
        }
    }

    @Test
    void aBindRefusedAtTheConnectionCapSaysRelayBusyAtOnce() throws Exception {
        start(RelayResources.DEFAULT.withConnections(100, 1), 100);
        RelayAddress address = relay.address().withoutRelayPeer();
        try (BindClient first = BindClient.connect(address, null, (s, d, o, l) -> { }, Duration.ofSeconds(10))) {
            assertThat(first.publicAddresses()).isNotEmpty();
            long started = System.nanoTime();
            // the relay closes the second connection with H3_EXCESSIVE_LOAD; the client says so, not "no extended
            // CONNECT", and without waiting out the wait for SETTINGS
            assertThatThrownBy(() -> BindClient.connect(address, null, (s, d, o, l) -> { }, Duration.ofSeconds(10)))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("relay busy")
                    .hasMessageContaining("too many connections")
                    .hasMessageNotContaining("extended CONNECT");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .isLessThan(RelayConnector.SETTINGS_WAIT.toMillis());
        }
    }

    private RelayStatistics awaitStatistics(Predicate<RelayStatistics> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        RelayStatistics statistics = relay.statistics();
        while (!condition.test(statistics) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            statistics = relay.statistics();
        }
        assertThat(condition.test(statistics)).as("statistics reached the condition: %s", statistics).isTrue();
        return statistics;
    }

    /** kwik's socket for a client that can be made to stop reading and acknowledging. */
    private static final class MuteSocket extends DatagramSocket {
        private volatile boolean muted;

        MuteSocket() throws SocketException {
            super(0, InetAddress.getLoopbackAddress());
        }

        void mute() {
            muted = true;
        }

        @Override
        public void send(DatagramPacket packet) throws IOException {
            if (!muted) {
                super.send(packet);
            }
        }

        @Override
        public synchronized void receive(DatagramPacket packet) throws IOException {
            super.receive(packet);
            while (muted) {
                super.receive(packet); // dropped: the client reads nothing
            }
        }
    }
}
