package io.punchline.session;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.punchline.crypto.Identity;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One secure stream between two throwaway peer links on loopback in this process: two engine sockets, their path
 * routers on the direct path, a QUIC connection, the post-quantum handshake between two throwaway identities, then
 * {@code bytes} through the record layer and back up to the reader. Nothing leaves the host and nothing is stored.
 *
 * <p>Why: a fresh process moving a file spent about 40 % of its CPU in C2 compiling this very path (Netty's epoll
 * channel and QUIC codec, quiche's JNI side, the path router, {@link StreamBridge}, the record layer) for the whole of a
 * 200 MB transfer, and the rate climbed from 27 to 103 MB/s over its first 3 s (docs/BENCHMARKS.md). A process that
 * waits for its peer anyway (a listener) runs this while it waits, so the compiler's work is done before the first
 * transfer starts. Call it only after the engine has loaded its native libraries (see {@code cli.Preload} on why not
 * before).
 */
public final class DataPathRehearsal {

    private static final int WRITE_BYTES = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DataPathRehearsal() {
    }

    /** Moves {@code bytes} from one link to the other; returns the bytes the reader counted (all of them). */
    public static long run(long bytes) throws IOException {
        return run(bytes, () -> false);
    }

    /**
     * Moves {@code bytes} from one link to the other, or fewer when {@code enough} turns true between two writes (a real
     * session started: the rehearsal gives way); returns the bytes the reader counted.
     */
    public static long run(long bytes, BooleanSupplier enough) throws IOException {
        ExecutorService executor = Executors.newCachedThreadPool(new DefaultThreadFactory("punchline-rehearsal", true));
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        SecureRandom random = new SecureRandom();
        try (EngineSocket dialling = EngineSocket.bind(loopback); EngineSocket listening = EngineSocket.bind(loopback)) {
            PathRouter diallerRoutes = direct(dialling, listening.localAddress());
            PathRouter listenerRoutes = direct(listening, dialling.localAddress());
            Identity listener = Identity.generate(random);
            try (PeerLinks from = new PeerLinks(Identity.generate(random), dialling, diallerRoutes, executor, TIMEOUT);
                 PeerLinks to = new PeerLinks(listener, listening, listenerRoutes, executor, TIMEOUT)) {
                CompletableFuture<Long> received = new CompletableFuture<>();
                to.onAccepted(session -> session.onStream(stream -> received.complete(drain(stream))));
                try (PeerSession session = from.dial(listener.peerId(), listening.localAddress(), TIMEOUT)) {
                    send(session, bytes, enough);
                    return received.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("data path rehearsal interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("data path rehearsal: the reader did not finish: " + e, e);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** A router whose one peer is on the direct path at {@code peer} from the start (its virtual address too). */
    private static PathRouter direct(EngineSocket socket, InetSocketAddress peer) {
        PathRouter router = new PathRouter((target, data, offset, length) -> socket.send(data, offset, length, target));
        router.useDirect(peer, peer);
        return router;
    }

    private static void send(PeerSession session, long bytes, BooleanSupplier enough) throws IOException {
        byte[] chunk = new byte[WRITE_BYTES];
        new SecureRandom().nextBytes(chunk); // incompressible, as a user's file mostly is
        try (SecureStream stream = session.openStream(); OutputStream out = stream.output()) {
            for (long sent = 0; sent < bytes && !enough.getAsBoolean(); sent += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
            }
        }
    }

    private static long drain(SecureStream stream) {
        byte[] buffer = new byte[WRITE_BYTES];
        long total = 0;
        try (InputStream in = stream.input()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }
}
