package io.punchline.session;

import io.punchline.wire.QuicVarint;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes a peer stream to kwik in chunks, and keeps kwik 0.10.8's sender from stalling.
 *
 * <p>The stall (DESIGN.md, "A stall bug"): kwik's stream output queues a send request before counting it, so when its
 * sender thread runs in between, data can stay buffered with no send request queued. The next write re-arms the sender;
 * a writer blocked on a full buffer never makes that next write, and a writer waiting for an answer never does either.
 * This stream therefore frames everything as chunks, {@code Length (i), Data (Length)}, each at most
 * {@link #MAX_CHUNK} bytes so that it fits one STREAM frame of a 1200-byte packet, and a watchdog writes an empty chunk
 * (one byte, 0x00) when a write has been blocked for {@link #BLOCKED_NANOS} or when the stream has gone quiet after a
 * write. A one-byte write re-arms kwik's sender; an empty {@code write} would not be safe, as it leaves an empty buffer
 * that blocks the FIN. {@link StallGuardInputStream} removes the framing on the other side.
 */
public final class StallGuardOutputStream extends OutputStream {

    /** Data bytes per chunk: a chunk with its 2-byte length fits the STREAM frame of a 1200-byte QUIC packet. */
    static final int MAX_CHUNK = 1024;
    static final long BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final byte[] EMPTY_CHUNK = {0};

    private static final Set<StallGuardOutputStream> ACTIVE = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "stream-stall-guard");
        thread.setDaemon(true);
        return thread;
    });

    static {
        WATCHDOG.scheduleWithFixedDelay(StallGuardOutputStream::watch, 20, 20, TimeUnit.MILLISECONDS);
    }

    private final OutputStream out;
    private final Object writeLock = new Object();
    private final Object nudgeLock = new Object();
    private final byte[] chunk = new byte[2 + MAX_CHUNK];
    private volatile long writeStartedNanos;
    private volatile long lastWriteNanos;
    private volatile boolean nudgedSinceWrite = true;
    private volatile boolean closed;
    private volatile long nudges;

    public StallGuardOutputStream(OutputStream out) {
        this.out = out;
        ACTIVE.add(this);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        synchronized (writeLock) {
            if (closed) {
                throw new IOException("stream closed");
            }
            while (length > 0) {
                int n = Math.min(length, MAX_CHUNK);
                int header = QuicVarint.encode(n, chunk, 0);
                System.arraycopy(data, offset, chunk, header, n);
                writeStartedNanos = System.nanoTime();
                try {
                    out.write(chunk, 0, header + n);
                } finally {
                    writeStartedNanos = 0;
                }
                lastWriteNanos = System.nanoTime();
                nudgedSinceWrite = false;
                offset += n;
                length -= n;
            }
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            synchronized (nudgeLock) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            ACTIVE.remove(this);
            out.close();
        }
    }

    /** Ends the stream abruptly; the watchdog stops. */
    void abandon() {
        synchronized (nudgeLock) {
            closed = true;
        }
        ACTIVE.remove(this);
    }

    long nudges() {
        return nudges;
    }

    private static void watch() {
        long now = System.nanoTime();
        for (StallGuardOutputStream stream : ACTIVE) {
            long started = stream.writeStartedNanos;
            if (started != 0 && now - started > BLOCKED_NANOS) {
                stream.nudge();
            } else if (started == 0 && !stream.nudgedSinceWrite && now - stream.lastWriteNanos > QUIET_NANOS) {
                stream.nudgedSinceWrite = true;
                stream.nudge();
            }
        }
    }

    /** Writes an empty chunk straight to kwik; chunks are whole writes, so it never lands inside another chunk. */
    private void nudge() {
        synchronized (nudgeLock) {
            if (closed) {
                return;
            }
            try {
                out.write(EMPTY_CHUNK, 0, 1);
                nudges++;
            } catch (IOException e) {
                ACTIVE.remove(this);
            }
        }
    }
}
