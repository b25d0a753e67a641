package io.punchline.bench;

import io.punchline.masque.ClientSocketFactory;
import io.punchline.quic.KwikInternals;
import io.punchline.quic.SharedConnectionTimers;
import tech.kwik.core.QuicClientConnection;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator's kwik client connections share three of their threads: kwik 0.10.8 gives every client
 * connection its own idle timer, loss-detection timer and callback thread besides its receiver, receive loop and
 * sender. 3,000 binds and the relay's threads would need more threads than the test machine's {@code kernel.pid_max}
 * (32,768) allows. Right after kwik built a connection, before it starts any of those threads, its two timers move to
 * {@link SharedConnectionTimers} (as the relay's connections do) and its callback executors are replaced by a shared
 * pool whose {@code shutdown} does nothing (kwik shuts a connection's own down when it closes); the connections'
 * packets and streams are as before. The fields are reached by reflection; if kwik changes, this says so once and
 * leaves the connections as they are.
 */
final class SharedClientThreads implements ClientSocketFactory {

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final SharedConnectionTimers timers = new SharedConnectionTimers("shared-kwik-timer");
    private final ThreadPoolExecutor callbacks = new UnstoppableCallbacks(8, daemon("shared-kwik-callbacks"));

    @Override
    public DatagramSocket createSocket(InetAddress destination) throws SocketException {
        return new DatagramSocket();
    }

    @Override
    public void connectionBuilt(QuicClientConnection connection) {
        timers.apply(connection);
        try {
            KwikInternals.field(connection.getClass(), "callbackThread").set(connection, callbacks);
            Object streams = KwikInternals.field(connection.getClass(), "streamManager").get(connection);
            KwikInternals.field(streams.getClass(), "callbackExecutor").set(streams, callbacks);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                System.out.println("kwik's client connection is not as expected (" + e + "): its callback threads are "
                        + "not shared");
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Callbacks of every connection (streams the relay opens, connection events); not stopped by one closing. */
    private static final class UnstoppableCallbacks extends ThreadPoolExecutor implements ExecutorService {
        UnstoppableCallbacks(int threads, ThreadFactory factory) {
            super(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }
    }
}
