package io.punchline.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicStreamChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * Blocking {@link InputStream} and {@link OutputStream} over one Netty QUIC stream (RFC 9000 sections 2-3), for the
 * code above the session (handshake, secure records, transfers), which reads and writes on its own threads.
 *
 * <p>Reading: what arrives is queued up to {@link #READ_AHEAD} bytes; then the bridge pauses reading the stream
 * (auto-read off), so quiche's flow control holds the sender until the reader has taken half of it. Pausing and
 * resuming are decided under the lock and carried out only on the stream's event loop, each time from the latest
 * decision: a resume decided on the reader's thread could otherwise overtake a pause decided just before it, leave the
 * stream paused with nothing queued, and stall the transfer for good. Writing: each write is
 * handed to the stream at once; a writer waits while more than {@link #WRITE_AHEAD} bytes are not yet taken by quiche
 * (the peer's flow-control window and the congestion window pace it). Closing the output sends FIN after the last
 * write has been taken (Netty's {@code shutdownOutput()} would otherwise overtake queued writes).
 */
final class StreamBridge extends ChannelInboundHandlerAdapter {

    static final int READ_AHEAD = 2 * 1024 * 1024;
    static final int WRITE_AHEAD = 1024 * 1024;

    private final Object lock = new Object();
    private final ArrayDeque<ByteBuf> received = new ArrayDeque<>();
    private final Input input = new Input();
    private final Output output = new Output();
    private volatile QuicStreamChannel channel;
    private int receivedBytes;
    private boolean ended;
    /** Reading is paused because {@link #READ_AHEAD} bytes wait for the reader (guarded by the lock). */
    private boolean paused;
    /** Reading is held until the session that owns the stream exists (guarded by the lock). */
    private boolean held;
    private boolean inputClosed;
    private IOException readFailure;
    private long unwritten;
    private IOException writeFailure;
    private boolean outputClosed;
    private ChannelFuture lastWrite;

    InputStream input() {
        return input;
    }

    OutputStream output() {
        return output;
    }

    long streamId() {
        return channel.streamId();
    }

    QuicStreamChannel channel() {
        return channel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (QuicStreamChannel) ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        boolean stopReading;
        synchronized (lock) {
            if (inputClosed || !data.isReadable()) {
                data.release();
                return;
            }
            received.add(data);
            receivedBytes += data.readableBytes();
            stopReading = !paused && receivedBytes >= READ_AHEAD;
            paused |= stopReading;
            lock.notifyAll();
        }
        if (stopReading) {
            applyReading();
        }
    }

    /** Makes the stream's auto-read match the latest decision; runs on the stream's event loop only. */
    private void applyReading() {
        boolean read;
        synchronized (lock) {
            read = !paused && !held;
        }
        QuicStreamChannel stream = channel;
        if (stream.isActive() && stream.config().isAutoRead() != read) {
            stream.config().setAutoRead(read);
        }
    }

    /** Holds the stream unread (quiche's flow control holds its sender) until {@link #release()}. */
    void hold() {
        synchronized (lock) {
            held = true;
        }
        applyReadingOnLoop();
    }

    /** Ends a {@link #hold()}. */
    void release() {
        synchronized (lock) {
            held = false;
        }
        applyReadingOnLoop();
    }

    /** Applies the latest reading decision (taken under the lock by the caller) on the event loop, from any thread. */
    private void applyReadingOnLoop() {
        QuicStreamChannel stream = channel;
        if (stream.eventLoop().inEventLoop()) {
            applyReading();
        } else {
            stream.eventLoop().execute(this::applyReading);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownReadComplete.INSTANCE) {
            synchronized (lock) {
                ended = true;
                lock.notifyAll();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * A failure of the stream's read side. A reset by the peer fails the writes too: a peer resets only when it aborts
     * the stream ({@link #abort()} sends RESET_STREAM and STOP_SENDING together), and the writes cannot count on hearing
     * of its STOP_SENDING. Netty fails the writes it has queued when quiche reports the stream stopped, but quiche
     * reports that once: a write queued after it (the connection's send window full at that moment) was never tried
     * again, and its writer waited for good (a clean-clone gate of 2026-12-04 hung 120 s in
     * {@code PeerTransportTest.aWriteAfterThePeerResetTheStreamFailsWithTheReasonAlsoInTryWithResources}).
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        boolean reset = cause.getMessage() != null && cause.getMessage().contains("STREAM_RESET");
        String why = reset ? "stream reset by the peer" : "stream failed: " + cause;
        synchronized (lock) {
            if (!ended && readFailure == null) {
                readFailure = new IOException(why);
            }
            if (reset && writeFailure == null && !outputClosed) {
                writeFailure = new IOException("the peer aborted this stream");
            }
            lock.notifyAll();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        synchronized (lock) {
            if (!ended && readFailure == null) {
                readFailure = new IOException("stream closed: the connection to the peer ended");
            }
            if (writeFailure == null && !outputClosed) {
                writeFailure = new IOException("stream closed: the connection to the peer ended");
            }
            lock.notifyAll();
        }
        ctx.fireChannelInactive();
    }

    /** Ends the stream abruptly both ways: RESET_STREAM and STOP_SENDING with error code 0. */
    void abort() {
        synchronized (lock) {
            if (writeFailure == null) {
                writeFailure = new IOException("stream aborted");
            }
            if (readFailure == null && !ended) {
                readFailure = new IOException("stream aborted");
            }
            inputClosed = true;
            paused = false;
            releaseReceived();
            lock.notifyAll();
        }
        QuicStreamChannel stream = channel;
        if (stream != null && stream.isActive()) {
            stream.shutdownOutput(0);
            stream.shutdownInput(0);
            applyReadingOnLoop();
        }
    }

    private void releaseReceived() {
        for (ByteBuf buffer; (buffer = received.poll()) != null; ) {
            buffer.release();
        }
        receivedBytes = 0;
    }

    private final class Input extends InputStream {
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            boolean resume;
            int copied = 0;
            synchronized (lock) {
                while (received.isEmpty()) {
                    if (inputClosed) {
                        throw new IOException("stream closed");
                    }
                    if (readFailure != null) {
                        throw again(readFailure);
                    }
                    if (ended) {
                        return -1;
                    }
                    awaitLock();
                }
                while (copied < length && !received.isEmpty()) {
                    ByteBuf head = received.peek();
                    int n = Math.min(length - copied, head.readableBytes());
                    head.readBytes(buffer, offset + copied, n);
                    copied += n;
                    if (!head.isReadable()) {
                        received.poll().release();
                    }
                }
                receivedBytes -= copied;
                resume = paused && receivedBytes < READ_AHEAD / 2;
                paused &= !resume;
            }
            if (resume) {
                applyReadingOnLoop();
            }
            return copied;
        }

        @Override
        public int available() {
            synchronized (lock) {
                return receivedBytes;
            }
        }

        @Override
        public void close() {
            boolean resume;
            synchronized (lock) {
                resume = paused;
                inputClosed = true;
                paused = false;
                releaseReceived();
                lock.notifyAll();
            }
            if (resume) {
                applyReadingOnLoop(); // what still arrives is dropped, so the peer is never held
            }
        }
    }

    private final class Output extends OutputStream {

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            if (length == 0) {
                return;
            }
            ByteBuf buffer = channel.alloc().directBuffer(length).writeBytes(data, offset, length);
            synchronized (lock) {
                if (outputClosed) {
                    buffer.release();
                    throw new IOException("stream output closed");
                }
                if (writeFailure != null) {
                    buffer.release();
                    throw again(writeFailure);
                }
                unwritten += length;
                lastWrite = channel.writeAndFlush(buffer);
            }
            lastWrite.addListener(done -> {
                synchronized (lock) {
                    unwritten -= length;
                    if (!done.isSuccess() && writeFailure == null) {
                        Throwable cause = done.cause();
                        writeFailure = new IOException(cause instanceof IOException && cause.getMessage() != null
                                && cause.getMessage().contains("STOP_SENDING")
                                ? "the peer stopped reading this stream" : "stream write failed: " + cause, cause);
                    }
                    lock.notifyAll();
                }
            });
            synchronized (lock) {
                while (unwritten > WRITE_AHEAD && writeFailure == null) {
                    awaitLock();
                }
                if (writeFailure != null) {
                    throw again(writeFailure);
                }
            }
        }

        @Override
        public void close() throws IOException {
            ChannelFuture last;
            synchronized (lock) {
                if (outputClosed) {
                    return;
                }
                outputClosed = true;
                if (writeFailure != null) {
                    throw again(writeFailure);
                }
                last = lastWrite;
            }
            if (last == null) {
                channel.shutdownOutput();
            } else {
                last.addListener(done -> {
                    if (done.isSuccess()) {
                        channel.shutdownOutput();
                    }
                });
            }
        }
    }

    private void awaitLock() throws InterruptedIOException {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on a stream");
        }
    }

    /**
     * The stream's stored failure as a new exception with the same message: a caller that closes in a
     * try-with-resources after a failed write gets the failure again from close, and the same instance there would
     * make Java's suppression fail with "Self-suppression not permitted" in place of the reason.
     */
    private static IOException again(IOException failure) {
        return new IOException(failure.getMessage(), failure);
    }
}
