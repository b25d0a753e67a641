package io.punchline.quic;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real kwik client and server on loopback: the server watches each stream the client opens and reads it only when
 * {@link StreamArrivals} says a read returns at once, never blocking.
 */
@Timeout(30)
class StreamArrivalsTest {

    private static final String ALPN = "punchline-arrivals-test";

    private final BlockingQueue<Watched> accepted = new LinkedBlockingQueue<>();
    private final BlockingQueue<QuicStream> unwatched = new LinkedBlockingQueue<>();
    private volatile boolean watchLater;
    private KwikTestPair pair;
    private QuicClientConnection client;

    /** A server-side stream, its watch and the arrivals counted so far. */
    private record Watched(QuicStream stream, StreamArrivals.Watch watch, Semaphore arrivals) {
        void awaitArrival() throws InterruptedException {
            assertThat(arrivals.tryAcquire(5, TimeUnit.SECONDS)).as("an arrival was signalled").isTrue();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        pair = KwikTestPair.connect(ALPN, new Watching(), connecting -> {
        });
        client = pair.client();
    }

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void dataIsSignalledAndThenReadableWithoutBlocking() throws Exception {
        QuicStream stream = client.createStream(true);
        write(stream.getOutputStream(), new byte[]{1, 2, 3});
        Watched watched = next();
        awaitReadable(watched);
        byte[] buffer = new byte[16];
        assertThat(watched.stream().getInputStream().read(buffer)).isEqualTo(3);
        assertThat(watched.watch().readable()).isFalse();

        write(stream.getOutputStream(), new byte[]{4, 5});
        awaitReadable(watched);
        assertThat(watched.stream().getInputStream().read(buffer)).isEqualTo(2);
        assertThat(buffer[1]).isEqualTo((byte) 5);
    }

    @Test
    void theEndOfTheStreamIsSignalledAndReadsAsEnd() throws Exception {
        QuicStream stream = client.createStream(true);
        write(stream.getOutputStream(), new byte[]{7});
        Watched watched = next();
        awaitReadable(watched);
        InputStream in = watched.stream().getInputStream();
        assertThat(in.read()).isEqualTo(7);
        stream.getOutputStream().close();
        awaitReadable(watched);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void aResetIsSignalledAndTheReadThrowsAtOnce() throws Exception {
        QuicStream stream = client.createStream(true);
        write(stream.getOutputStream(), new byte[]{9});
        Watched watched = next();
        awaitReadable(watched);
        InputStream in = watched.stream().getInputStream();
        assertThat(in.read()).isEqualTo(9);
        stream.resetStream(0x10c);
        awaitReadable(watched);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }

    @Test
    void aResetThatCameBeforeTheWatchMakesTheStreamReadableAtOnce() throws Exception {
        watchLater = true;
        QuicStream stream = client.createStream(true);
        write(stream.getOutputStream(), new byte[]{3});
        QuicStream accepted = unwatched.poll(5, TimeUnit.SECONDS);
        assertThat(accepted).as("the server accepted the stream").isNotNull();
        InputStream in = accepted.getInputStream();
        awaitAvailable(in, 1);
        assertThat(in.read()).isEqualTo(3); // all read, as the relay has read a request's HEADERS when it watches
        stream.resetStream(0x10c);
        // the reset goes out before a second stream's data, so once that data is in, so is the reset
        write(client.createStream(true).getOutputStream(), new byte[]{4});
        QuicStream second = unwatched.poll(5, TimeUnit.SECONDS);
        assertThat(second).as("the server accepted the second stream").isNotNull();
        awaitAvailable(second.getInputStream(), 1);
        StreamArrivals.Watch watch = StreamArrivals.watch(accepted, () -> { });
        assertThat(watch).isNotNull();
        assertThat(watch.readable()).isTrue();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }

    @Test
    void aStreamIsWatchedOnceAndAnythingButKwikIsNotWatched() throws Exception {
        QuicStream stream = client.createStream(true);
        write(stream.getOutputStream(), new byte[]{1});
        Watched watched = next();
        assertThat(StreamArrivals.watch(watched.stream(), () -> { })).isNull();
        assertThat(StreamArrivals.watch(new NotKwik(), () -> { })).isNull();
    }

    private Watched next() throws InterruptedException {
        Watched watched = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(watched).as("the server accepted the stream").isNotNull();
        assertThat(watched.watch()).as("kwik's stream input can be watched").isNotNull();
        return watched;
    }

    /** Data that came before the watch is readable at once; later data comes with an arrival. */
    private static void awaitReadable(Watched watched) throws InterruptedException {
        while (!watched.watch().readable()) {
            watched.awaitArrival();
        }
    }

    /** Waits up to 5 s for {@code in} to hold {@code bytes} bytes, which kwik's receiver thread changes. */
    private static void awaitAvailable(InputStream in, int bytes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (in.available() != bytes && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(in.available()).isEqualTo(bytes);
    }

    private static void write(OutputStream out, byte[] data) throws IOException {
        out.write(data);
        out.flush();
        StreamSendGuard.afterWrite(out);
    }

    private final class Watching implements ApplicationProtocolConnectionFactory {
        @Override
        public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
            return new ApplicationProtocolConnection() {
                @Override
                public void acceptPeerInitiatedStream(QuicStream stream) {
                    if (watchLater) {
                        unwatched.add(stream);
                        return;
                    }
                    Semaphore arrivals = new Semaphore(0);
                    StreamArrivals.Watch watch = StreamArrivals.watch(stream, arrivals::release);
                    accepted.add(new Watched(stream, watch, arrivals));
                }
            };
        }
    }

    /** A stream kwik did not make. */
    private static final class NotKwik implements QuicStream {
        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public int getStreamId() {
            return 0;
        }

        @Override
        public boolean isUnidirectional() {
            return false;
        }

        @Override
        public boolean isClientInitiatedBidirectional() {
            return true;
        }

        @Override
        public boolean isServerInitiatedBidirectional() {
            return false;
        }

        @Override
        public boolean isBidirectional() {
            return true;
        }

        @Override
        public void abortReading(long errorCode) {
        }

        @Override
        public void resetStream(long errorCode) {
        }
    }
}
