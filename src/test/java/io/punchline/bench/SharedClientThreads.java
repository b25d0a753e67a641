package io.punchline.bench;

import io.punchline.masque.ClientSocketFactory;
import tech.kwik.core.QuicClientConnection;

import java.lang.reflect.Field;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator's kwik client connections share three of their threads (the relay's are not touched): kwik
 * 0.10.8 gives every client connection its own idle timer, loss-detection timer and callback thread besides its
 * receiver, receive loop and sender, eight threads per bind with the bind's request-stream reader. 3,000 binds and
 * the relay's 15,000 threads would need more threads than the test machine's {@code kernel.pid_max} (32,768)
 * allows. Each connection's three executors are replaced, right after kwik built the connection and before it
 * starts any of their threads, by shared pools whose {@code shutdown} does nothing (kwik shuts a connection's own
 * down when it closes); the connections' packets, streams and timers are as before. The fields are reached by
 * reflection; if kwik changes, this says so once and leaves the connections as they are.
 */
final class SharedClientThreads implements ClientSocketFactory {

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final ScheduledThreadPoolExecutor timers = new Unstoppable(2, daemon("shared-kwik-timer"));
    private final ThreadPoolExecutor callbacks = new UnstoppableCallbacks(8, daemon("shared-kwik-callbacks"));

    @Override
    public DatagramSocket createSocket(InetAddress destination) throws SocketException {
        return new DatagramSocket();
    }

    @Override
    public void connectionBuilt(QuicClientConnection connection) {
        try {
            Object idleTimer = field(connection.getClass(), "idleTimer").get(connection);
            field(idleTimer.getClass(), "timer").set(idleTimer, timers);
            Object sender = field(connection.getClass(), "sender").get(connection);
            Object recovery = field(sender.getClass(), "recoveryManager").get(sender);
            field(recovery.getClass(), "scheduler").set(recovery, timers);
            field(connection.getClass(), "callbackThread").set(connection, callbacks);
            Object streams = field(connection.getClass(), "streamManager").get(connection);
            field(streams.getClass(), "callbackExecutor").set(streams, callbacks);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                System.out.println("kwik's client connection is not as expected (" + e + "): its threads are not shared");
            }
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Timers of every connection; a connection that closes cannot stop them for the others. */
    private static final class Unstoppable extends ScheduledThreadPoolExecutor implements ScheduledExecutorService {
        Unstoppable(int threads, ThreadFactory factory) {
            super(threads, factory);
            setRemoveOnCancelPolicy(true);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }
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
