package io.punchline.nat;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads and writes the traversal control stream: a sequence of {@link TraversalMessage}s, each laid out exactly like its
 * frame in draft-seemann-quic-nat-traversal-02 and draft-ietf-quic-address-discovery-00 (and Punchline's two extension
 * messages for hard NATs, {@link NatMapping} and {@link PortsOpen}, laid out the same way), with nothing in between.
 *
 * <p>A stream has no length prefixes, so an unknown type cannot be skipped and ends the stream with
 * FRAME_ENCODING_ERROR, as an unknown frame type does in QUIC (RFC 9000 section 12.4). Types must use the minimal
 * varint encoding (RFC 9000 section 12.4: frame types "MUST use the shortest possible encoding"); the other varint
 * fields may be longer than needed. The longest message is {@value #MAX_MESSAGE_LENGTH} bytes, so the decoder buffers
 * at most that many.
 *
 * <p>An instance is the decoder of one receiving stream: fed chunks split anywhere, it hands out each message once
 * complete, checks the message direction against the receiver's role, and requires the stream to open with exactly one
 * {@link NatTraversalParameter} (PROTOCOL_VIOLATION otherwise). Not thread-safe; after an exception it stays
 * failed.
 */
public final class TraversalCodec {

    /** PUNCH_ME_NOW with an IPv6 address and 8-byte round and sequence: 4 + 8 + 8 + 16 + 2. */
    public static final int MAX_MESSAGE_LENGTH = 38;

    private final TraversalRole receiver;
    private final byte[] pending = new byte[MAX_MESSAGE_LENGTH];
    private int fill;
    private boolean opened;
    private boolean failed;

    /** A decoder for the stream an endpoint in role {@code receiver} reads. */
    public TraversalCodec(TraversalRole receiver) {
        this.receiver = receiver;
    }

    /** The message as a new array. */
    public static byte[] encode(TraversalMessage message) {
        return message.toBytes();
    }

    /** Writes the message; the buffer needs {@link TraversalMessage#encodedLength()} bytes of room. */
    public static void encode(TraversalMessage message, ByteBuffer out) {
        message.encode(out);
    }

    /** Decodes one whole message from {@code in}; truncation, unknown types and bad encodings throw. */
    public static TraversalMessage decode(ByteBuffer in) throws TraversalProtocolException {
        int start = in.position();
        TraversalMessage message = tryDecode(in);
        if (message == null) {
            throw TraversalProtocolException.encoding("truncated traversal message: " + (in.limit() - start)
                    + " bytes");
        }
        return message;
    }

    /**
     * Decodes one message if {@code in} holds all of it; returns {@code null} and leaves the buffer untouched when more
     * bytes are needed. Throws as soon as the type is known to be invalid.
     */
    public static TraversalMessage tryDecode(ByteBuffer in) throws TraversalProtocolException {
        int start = in.position();
        long type = QuicVarint.tryDecode(in);
        if (type < 0) {
            return null;
        }
        int typeLength = in.position() - start;
        in.position(start);
        if (QuicVarint.encodedLength(type) != typeLength) {
            throw TraversalProtocolException.encoding("traversal message type 0x" + Long.toHexString(type)
                    + " not in its shortest encoding (" + typeLength + " bytes)");
        }
        int varints;
        int fixed;
        if (type == AddAddress.TYPE_IPV4 || type == AddAddress.TYPE_IPV6
                || type == ObservedAddress.TYPE_IPV4 || type == ObservedAddress.TYPE_IPV6) {
            varints = 1;
            fixed = addressAndPortLength(type);
        } else if (type == NatMapping.TYPE_IPV4 || type == NatMapping.TYPE_IPV6) {
            varints = 2;
            fixed = addressAndPortLength(type);
        } else if (type == PortsOpen.TYPE) {
            varints = 1;
            fixed = 0;
        } else if (type == PunchMeNow.TYPE_IPV4 || type == PunchMeNow.TYPE_IPV6) {
            varints = 2;
            fixed = addressAndPortLength(type);
        } else if (type == RemoveAddress.TYPE) {
            varints = 1;
            fixed = 0;
        } else if (type == NatTraversalParameter.TYPE) {
            return tryDecodeParameter(in, start + typeLength);
        } else {
            throw TraversalProtocolException.encoding("unknown traversal message type 0x" + Long.toHexString(type));
        }
        int end = start + typeLength;
        for (int i = 0; i < varints; i++) {
            if (end >= in.limit()) {
                return null;
            }
            end += QuicVarint.lengthOf(in.get(end));
        }
        if (end + fixed > in.limit()) {
            return null;
        }
        in.position(start + typeLength);
        try {
            TraversalMessage message = decodeBody(type, in);
            if (in.position() != end + fixed) {
                throw new IllegalStateException("decoded " + (in.position() - start) + " bytes, expected "
                        + (end + fixed - start));
            }
            return message;
        } catch (WireFormatException e) {
            // every field's bytes were counted above: only a value out of its range gets here
            in.position(start);
            throw TraversalProtocolException.encoding(e.getMessage());
        }
    }

    /** Type, Length (at most 8: the value is one varint or nothing), Value. */
    private static TraversalMessage tryDecodeParameter(ByteBuffer in, int afterType) throws TraversalProtocolException {
        if (afterType >= in.limit()) {
            return null;
        }
        int lengthBytes = QuicVarint.lengthOf(in.get(afterType));
        if (afterType + lengthBytes > in.limit()) {
            return null;
        }
        long length = QuicVarint.tryDecode(in.duplicate().position(afterType));
        if (length > QuicVarint.MAX_LENGTH) {
            throw TraversalProtocolException.parameter("nat_traversal value of " + length + " bytes is not a varint");
        }
        int end = afterType + lengthBytes + (int) length;
        if (end > in.limit()) {
            return null;
        }
        int start = in.position();
        in.position(afterType + lengthBytes);
        try {
            return NatTraversalParameter.decodeBody(in, (int) length);
        } catch (TraversalProtocolException e) {
            in.position(start);
            throw e;
        }
    }

    /** 4 or 6 from a frame type's least significant bit. */
    static int ipVersion(long type) {
        return (type & 1) == 0 ? IpAddressCodec.IP_VERSION_4 : IpAddressCodec.IP_VERSION_6;
    }

    private static int addressAndPortLength(long type) {
        return ((type & 1) == 0 ? 4 : 16) + 2;
    }

    private static TraversalMessage decodeBody(long type, ByteBuffer in) throws WireFormatException {
        if (type == AddAddress.TYPE_IPV4 || type == AddAddress.TYPE_IPV6) {
            return AddAddress.decodeBody(type, in);
        }
        if (type == PunchMeNow.TYPE_IPV4 || type == PunchMeNow.TYPE_IPV6) {
            return PunchMeNow.decodeBody(type, in);
        }
        if (type == ObservedAddress.TYPE_IPV4 || type == ObservedAddress.TYPE_IPV6) {
            return ObservedAddress.decodeBody(type, in);
        }
        if (type == NatMapping.TYPE_IPV4 || type == NatMapping.TYPE_IPV6) {
            return NatMapping.decodeBody(type, in);
        }
        if (type == PortsOpen.TYPE) {
            return PortsOpen.decodeBody(in);
        }
        return RemoveAddress.decodeBody(in);
    }

    /**
     * Consumes all of {@code chunk}, passing each completed message to {@code sink} in order. A message the receiver's
     * role may not receive throws PROTOCOL_VIOLATION; the messages before it have been delivered.
     */
    public void feed(ByteBuffer chunk, Consumer<? super TraversalMessage> sink) throws TraversalProtocolException {
        requireNotFailed();
        try {
            while (chunk.hasRemaining()) {
                int n = Math.min(chunk.remaining(), pending.length - fill);
                chunk.get(pending, fill, n);
                fill += n;
                drain(sink);
            }
        } catch (TraversalProtocolException e) {
            failed = true;
            throw e;
        }
    }

    /** Consumes all of {@code chunk} and returns the messages it completed. */
    public List<TraversalMessage> feed(ByteBuffer chunk) throws TraversalProtocolException {
        List<TraversalMessage> messages = new ArrayList<>(2);
        feed(chunk, messages::add);
        return messages;
    }

    /** The stream ended cleanly: ending inside a message is FRAME_ENCODING_ERROR. */
    public void finish() throws TraversalProtocolException {
        requireNotFailed();
        if (fill > 0) {
            failed = true;
            throw TraversalProtocolException.encoding("control stream ended inside a traversal message (" + fill
                    + " bytes)");
        }
    }

    private void drain(Consumer<? super TraversalMessage> sink) throws TraversalProtocolException {
        ByteBuffer buffered = ByteBuffer.wrap(pending, 0, fill);
        TraversalMessage message;
        while ((message = tryDecode(buffered)) != null) {
            boolean isParameter = message instanceof NatTraversalParameter;
            if (isParameter == opened) {
                throw TraversalProtocolException.violation(opened
                        ? "a second nat_traversal parameter on the control stream"
                        : message.name() + " before the nat_traversal parameter that must open the control stream");
            }
            receiver.requireReceivable(message);
            opened = true;
            sink.accept(message);
        }
        int consumed = buffered.position();
        System.arraycopy(pending, consumed, pending, 0, fill - consumed);
        fill -= consumed;
        if (fill == pending.length) {
            // every known message fits; a full buffer without one means the lengths above are wrong
            throw new IllegalStateException("traversal message longer than " + MAX_MESSAGE_LENGTH + " bytes");
        }
    }

    private void requireNotFailed() throws TraversalProtocolException {
        if (failed) {
            throw TraversalProtocolException.encoding("control stream already failed");
        }
    }
}
