package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, lean sessions: an open bind holds no relay thread of its own while its request stream is quiet, and the
 * relay still reads what comes on that stream (capsules, its end, its reset) as soon as it comes. A real relay in
 * process; real authenticated bind clients, and raw requests for the stream's end and reset.
 */
@Timeout(60)
class BindSessionThreadsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int BINDS = 4;

    private RelayServer relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void openBindsHoldNoWorkerAndTheirCapsulesAreStillAnswered() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        BlockingQueue<String> toLast = new LinkedBlockingQueue<>();
        List<BindClient> binds = new ArrayList<>();
        try {
            for (int i = 0; i < BINDS; i++) {
                BindClient.Listener listener = i == BINDS - 1
                        ? (source, data, offset, length) -> toLast.add(new String(data, offset, length, StandardCharsets.UTF_8))
                        : (source, data, offset, length) -> { };
                binds.add(BindClient.connect(relay.address(), Identity.generate(new SecureRandom()), null, listener, TIMEOUT));
            }
            assertThat(relay.openSessions()).isEqualTo(BINDS);
            // the workers that served the requests go back to the pool; before issue 14 each bind kept one for good
            await(() -> relay.statistics().busyWorkers() == 0, "no worker busy with " + BINDS + " binds open");
            // neither side has a thread waiting in a stream read: the relay and the bind clients are in this JVM
            await(() -> threadsInStreamReads() == 0, "no thread blocked reading a QUIC stream");

            // a capsule on a quiet request stream is read and answered: COMPRESSION_ASSIGN, then its ACK
            BindClient first = binds.get(0);
            InetSocketAddress last = binds.get(BINDS - 1).publicAddresses().get(0);
            assertThat(first.registerCompressed(last)).isTrue();
            await(() -> first.isCompressedAcknowledged(last), "the relay acknowledged the compressed context");

            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            first.send(last, hello, 0, hello.length);
            assertThat(toLast.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
            await(() -> relay.statistics().busyWorkers() == 0, "no worker busy after the capsules");
        } finally {
            binds.forEach(BindClient::close);
        }
    }

    @Test
    void theEndOfARequestStreamEndsItsTunnel() throws Exception {
        startAnonymous();
        try (RawRelayRequest client = new RawRelayRequest(relay.address().withoutRelayPeer())) {
            RawRelayRequest.Request bind = client.bindAny();
            assertThat(bind.status()).isEqualTo(200);
            assertThat(relay.openSessions()).isEqualTo(1);
            bind.writer.close();
            await(() -> relay.openSessions() == 0, "the tunnel ended with its request stream");
        }
    }

    @Test
    void aResetOfARequestStreamEndsItsTunnel() throws Exception {
        startAnonymous();
        try (RawRelayRequest client = new RawRelayRequest(relay.address().withoutRelayPeer())) {
            RawRelayRequest.Request bind = client.bindAny();
            assertThat(bind.status()).isEqualTo(200);
            assertThat(relay.openSessions()).isEqualTo(1);
            bind.stream.resetStream(Http3ErrorCodes.H3_REQUEST_CANCELLED);
            await(() -> relay.openSessions() == 0, "the tunnel ended with the reset of its request stream");
        }
    }

    @Test
    void aBindClientEndsWhenItsRelayCloses() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        BlockingQueue<String> closed = new LinkedBlockingQueue<>();
        BindClient bind = BindClient.connect(relay.address(), Identity.generate(new SecureRandom()), null,
                new BindClient.Listener() {
                    @Override
                    public void onPayload(InetSocketAddress source, byte[] data, int offset, int length) {
                    }

                    @Override
                    public void onClosed(String reason) {
                        closed.add(reason);
                    }
                }, TIMEOUT);
        try {
            relay.close();
            // the relay ends the request stream as it closes, or the connection ends first: either way the bind ends
            assertThat(closed.poll(10, TimeUnit.SECONDS)).as("the bind client saw its relay go").isNotNull();
        } finally {
            bind.close();
        }
    }

    /** Threads of this JVM waiting inside a read of a kwik stream's input. */
    private static long threadsInStreamReads() {
        return Thread.getAllStackTraces().values().stream().filter(stack -> Arrays.stream(stack).anyMatch(frame ->
                frame.getClassName().equals("tech.kwik.core.stream.StreamInputStreamImpl")
                        && frame.getMethodName().equals("read"))).count();
    }

    private void startAnonymous() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withAccess(RelayAccess.OPEN.withAnonymous(true)));
    }

    /** Waits up to 10 s for {@code condition}, which the relay reaches on its own threads. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
