package io.punchline.masque;

import io.punchline.quic.OrderedDatagrams;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The request stream of one CONNECT-UDP tunnel as both ends of the relay hop use it, the engine's {@link BindClient}
 * and the relay's tunnel: HTTP datagrams out (RFC 9297 section 2.1: in a QUIC DATAGRAM frame when the peer negotiated
 * them and the datagram fits one, else as a DATAGRAM capsule on the request stream, section 3.5, never dropped for
 * size), capsules out, the capsule loop in (section 3.2), and the stream's abort with H3_MESSAGE_ERROR (section 3.3).
 */
public final class TunnelStream {

    /** What the capsule loop hands over, and how the stream ended. */
    public interface Receiver {
        /** One capsule, in stream order; a DATAGRAM capsule is an HTTP datagram payload (from the Context ID). */
        void onCapsule(Capsule capsule) throws IOException, WireFormatException, ReplyBacklogExceededException;

        /** The peer ended the stream cleanly (FIN at a capsule boundary). */
        void onEnd();

        /**
         * The peer sent a malformed frame ({@link WireFormatException}) or capsule ({@link MalformedCapsuleException}),
         * or more registrations than its replies can keep up with ({@link ReplyBacklogExceededException}).
         */
        void onMalformed(Exception cause);

        /** The stream failed: reset by the peer, the connection lost, or our own side closed it. */
        void onFailure(IOException e);
    }

    private final QuicConnection quic;
    private final QuicStream stream;
    private final RequestStreamWriter writer;
    private final long quarterStreamId;
    private final IntSupplier maxFrameData;

    /**
     * @param maxFrameData the largest HTTP datagram that fits one QUIC DATAGRAM frame on {@code quic} (see
     *                     {@link DatagramSizes}); asked before each send, so it may be learned late
     */
    public TunnelStream(QuicConnection quic, QuicStream stream, RequestStreamWriter writer, IntSupplier maxFrameData) {
        this.quic = quic;
        this.stream = stream;
        this.writer = writer;
        this.quarterStreamId = stream.getStreamId() / 4;
        this.maxFrameData = maxFrameData;
    }

    /** The request stream's QUIC stream ID. */
    public long streamId() {
        return stream.getStreamId();
    }

    /** RFC 9297 section 2.1: the request stream's ID divided by four, which every HTTP datagram of it starts with. */
    public long quarterStreamId() {
        return quarterStreamId;
    }

    /**
     * Sends one HTTP datagram ({@code datagram} starts with this stream's Quarter Stream ID): as a QUIC DATAGRAM frame
     * when it fits one and the connection has the extension, else its payload as a DATAGRAM capsule.
     *
     * @return true when it went as a capsule
     */
    public boolean sendDatagram(byte[] datagram) throws IOException {
        if (trySendFrame(datagram)) {
            return false;
        }
        sendCapsule(datagram);
        return true;
    }

    /**
     * Sends {@code datagram} as a QUIC DATAGRAM frame if it fits one and the connection has the extension; returns
     * false, having sent nothing, when not. Never blocks: the frame joins kwik's send queue.
     */
    public boolean trySendFrame(byte[] datagram) {
        if (datagram.length > maxFrameData.getAsInt()) {
            return false;
        }
        try {
            OrderedDatagrams.send(quic, datagram);
            return true;
        } catch (RuntimeException e) {
            return false; // too large after all, or datagrams not negotiated: the capsule carries it
        }
    }

    /**
     * Sends the payload of {@code datagram} (after the Quarter Stream ID) as a DATAGRAM capsule on the request stream.
     * Blocks while the stream's send buffer is full, which the peer decides by its flow-control credit.
     */
    public void sendCapsule(byte[] datagram) throws IOException {
        int skip = QuicVarint.encodedLength(quarterStreamId);
        byte[] payload = new byte[datagram.length - skip];
        System.arraycopy(datagram, skip, payload, 0, payload.length);
        writeCapsules(List.of(new DatagramCapsule(payload)));
    }

    /** Writes {@code capsules} in one DATA frame. */
    public void writeCapsules(List<? extends Capsule> capsules) throws IOException {
        int total = 0;
        for (Capsule capsule : capsules) {
            total += capsule.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (Capsule capsule : capsules) {
            capsule.encode(out);
        }
        writer.writeData(out.array());
    }

    /**
     * Reads capsules from {@code reader} (positioned after the HEADERS) and hands them to {@code receiver} until the
     * stream ends, fails, or {@code stopped} says so; exactly one of the receiver's end methods is called, except
     * when {@code stopped}. Trailers (a second HEADERS section) carry nothing for a tunnel and are skipped.
     */
    public void readCapsules(RequestStreamReader reader, int maxHeaders, BooleanSupplier stopped, Receiver receiver) {
        CapsuleParser parser = new CapsuleParser();
        try {
            while (!stopped.getAsBoolean()) {
                RequestStreamReader.Item item = reader.next(maxHeaders);
                if (item instanceof RequestStreamReader.End) {
                    parser.finish();
                    receiver.onEnd();
                    return;
                }
                if (item instanceof RequestStreamReader.Data data) {
                    for (Capsule capsule : parser.feed(ByteBuffer.wrap(data.buffer(), 0, data.length()))) {
                        receiver.onCapsule(capsule);
                    }
                }
            }
        } catch (WireFormatException | ReplyBacklogExceededException e) {
            // RFC 9297 section 3.3 / draft-ietf-masque-connect-udp-listen-13 section 4: the caller aborts the stream
            receiver.onMalformed(e);
        } catch (IOException e) {
            receiver.onFailure(e);
        }
    }

    /**
     * Starts the same capsule loop without a thread of its own while the stream is quiet ({@link CapsuleLoop}) and
     * returns at once: the receiver is called on {@code executor}'s threads, one call at a time, in stream order.
     * False, with nothing started, when kwik does not let the stream be watched or {@code reader} stopped inside a
     * frame: the caller then reads with {@link #readCapsules(RequestStreamReader, int, BooleanSupplier, Receiver)}.
     * The end of the whole QUIC connection is not seen this way: the caller learns it from the connection.
     */
    public boolean watchCapsules(RequestStreamReader reader, int maxHeaders, BooleanSupplier stopped, Receiver receiver,
                                 Executor executor) {
        return reader.atFrameBoundary() && CapsuleLoop.start(stream, maxHeaders, stopped, receiver, executor);
    }

    /** Aborts the stream both ways with H3_MESSAGE_ERROR: the peer sent what the protocol calls malformed. */
    public void abort() {
        stream.resetStream(Http3ErrorCodes.H3_MESSAGE_ERROR);
        stream.abortReading(Http3ErrorCodes.H3_MESSAGE_ERROR);
    }

    /** Ends our side of the stream cleanly (FIN); closing twice is harmless. */
    public void finish() {
        writer.close();
    }
}
