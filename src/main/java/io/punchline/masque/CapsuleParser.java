package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * RFC 9297 section 3.2, the Capsule Protocol on a request stream's data: a resumable parser fed the DATA frame
 * payloads as they arrive, split anywhere, that hands out each capsule once it is complete.
 *
 * <p>Lengths are checked against a per-type maximum before anything is allocated. A control capsule longer than its
 * longest legal value is malformed. A DATAGRAM capsule over the configured maximum is skipped without buffering
 * (RFC 9297 section 3.5: oversize DATAGRAM capsules "SHOULD be discarded") and counted. Unknown types are reported with
 * their length and their value is skipped incrementally, never buffered. A value that is not exactly its capsule's
 * fields, or a stream that ends inside a capsule ({@link #finish()}), is malformed.
 *
 * <p>Not thread-safe: one parser per request stream, fed from one thread. After a {@link MalformedCapsuleException}
 * the parser stays failed.
 */
public final class CapsuleParser {

    /** Largest UDP payload (65,535) plus an 8-byte Context ID and the 19-byte uncompressed IPv6 header. */
    public static final int DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH = 65_535 + 8 + 19;

    /** Any COMPRESSION_* value longer than this is malformed (the longest legal one has 27 bytes). */
    static final int MAX_CONTROL_CAPSULE_LENGTH = 64;

    private enum State { HEADER, VALUE, SKIP }

    private final int maxDatagramCapsuleLength;
    private final byte[] header = new byte[2 * QuicVarint.MAX_LENGTH];
    private int headerFill;
    private State state = State.HEADER;
    private long type;
    private byte[] value;
    private int valueFill;
    private long skipRemaining;
    private long droppedDatagramCapsules;
    private boolean failed;

    public CapsuleParser() {
        this(DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH);
    }

    public CapsuleParser(int maxDatagramCapsuleLength) {
        if (maxDatagramCapsuleLength < 0) {
            throw new IllegalArgumentException("negative maximum: " + maxDatagramCapsuleLength);
        }
        this.maxDatagramCapsuleLength = maxDatagramCapsuleLength;
    }

    /** Consumes all of {@code chunk}, passing each completed capsule to {@code sink} in order. */
    public void feed(ByteBuffer chunk, Consumer<? super Capsule> sink) throws MalformedCapsuleException {
        requireNotFailed();
        try {
            while (chunk.hasRemaining()) {
                switch (state) {
                    case HEADER -> readHeader(chunk, sink);
                    case VALUE -> readValue(chunk, sink);
                    case SKIP -> skip(chunk);
                }
            }
        } catch (MalformedCapsuleException e) {
            failed = true;
            throw e;
        }
    }

    /** Consumes all of {@code chunk} and returns the capsules it completed. */
    public List<Capsule> feed(ByteBuffer chunk) throws MalformedCapsuleException {
        List<Capsule> capsules = new ArrayList<>(2);
        feed(chunk, capsules::add);
        return capsules;
    }

    /** The request stream ended cleanly: RFC 9297 section 3.3 makes a partial capsule at that point malformed. */
    public void finish() throws MalformedCapsuleException {
        requireNotFailed();
        if (state != State.HEADER || headerFill > 0) {
            failed = true;
            throw new MalformedCapsuleException("stream ended inside a capsule (type "
                    + (state == State.HEADER ? "not yet read" : "0x" + Long.toHexString(type)) + ")");
        }
    }

    /** DATAGRAM capsules skipped for exceeding the maximum length. */
    public long droppedDatagramCapsules() {
        return droppedDatagramCapsules;
    }

    private void requireNotFailed() throws MalformedCapsuleException {
        if (failed) {
            throw new MalformedCapsuleException("capsule stream already failed");
        }
    }

    private void readHeader(ByteBuffer chunk, Consumer<? super Capsule> sink) throws MalformedCapsuleException {
        header[headerFill++] = chunk.get();
        int typeLength = QuicVarint.lengthOf(header[0]);
        if (headerFill <= typeLength) {
            return;
        }
        int headerLength = typeLength + QuicVarint.lengthOf(header[typeLength]);
        if (headerFill < headerLength) {
            return;
        }
        ByteBuffer complete = ByteBuffer.wrap(header, 0, headerLength);
        type = QuicVarint.tryDecode(complete);
        long length = QuicVarint.tryDecode(complete);
        headerFill = 0;
        startValue(length, sink);
    }

    private void startValue(long length, Consumer<? super Capsule> sink) throws MalformedCapsuleException {
        long max = maxValueLength(type);
        if (max < 0) {
            sink.accept(new UnknownCapsule(type, length));
            skipRemaining = length;
            state = length == 0 ? State.HEADER : State.SKIP;
            return;
        }
        if (length > max) {
            if (type == DatagramCapsule.TYPE) {
                droppedDatagramCapsules++;
                skipRemaining = length;
                state = State.SKIP;
                return;
            }
            throw new MalformedCapsuleException("capsule type 0x" + Long.toHexString(type) + " with length " + length
                    + ", longest legal value is " + max);
        }
        value = new byte[(int) length];
        valueFill = 0;
        state = State.VALUE;
        if (length == 0) {
            completeValue(sink);
        }
    }

    private void readValue(ByteBuffer chunk, Consumer<? super Capsule> sink) throws MalformedCapsuleException {
        int n = Math.min(chunk.remaining(), value.length - valueFill);
        chunk.get(value, valueFill, n);
        valueFill += n;
        if (valueFill == value.length) {
            completeValue(sink);
        }
    }

    private void completeValue(Consumer<? super Capsule> sink) throws MalformedCapsuleException {
        ByteBuffer bytes = ByteBuffer.wrap(value);
        value = null;
        state = State.HEADER;
        sink.accept(decodeValue(type, bytes));
    }

    private void skip(ByteBuffer chunk) {
        int n = (int) Math.min(chunk.remaining(), skipRemaining);
        chunk.position(chunk.position() + n);
        skipRemaining -= n;
        if (skipRemaining == 0) {
            state = State.HEADER;
        }
    }

    private long maxValueLength(long capsuleType) {
        if (capsuleType == DatagramCapsule.TYPE) {
            return maxDatagramCapsuleLength;
        }
        if (capsuleType == CompressionAssign.TYPE || capsuleType == CompressionAck.TYPE
                || capsuleType == CompressionClose.TYPE) {
            return MAX_CONTROL_CAPSULE_LENGTH;
        }
        return -1;
    }

    /** Decodes one known capsule's value, which must be exactly its fields. */
    static Capsule decodeValue(long type, ByteBuffer value) throws MalformedCapsuleException {
        try {
            if (type == DatagramCapsule.TYPE) {
                return DatagramCapsule.decodeValue(value);
            }
            if (type == CompressionAssign.TYPE) {
                return CompressionAssign.decodeValue(value);
            }
            if (type == CompressionAck.TYPE) {
                return CompressionAck.decodeValue(value);
            }
            if (type == CompressionClose.TYPE) {
                return CompressionClose.decodeValue(value);
            }
        } catch (WireFormatException e) {
            throw new MalformedCapsuleException("malformed capsule: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a known capsule type: 0x" + Long.toHexString(type));
    }
}
