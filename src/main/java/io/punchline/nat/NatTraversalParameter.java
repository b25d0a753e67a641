package io.punchline.nat;

import io.punchline.wire.QuicVarint;
import java.nio.ByteBuffer;

/**
 * The {@code nat_traversal} transport parameter of draft-seemann-quic-nat-traversal-02, "Negotiating Extension Use",
 * sent as the first message of each direction of the control stream because kwik 0.10.8 can neither send nor expose a
 * custom transport parameter (it logs unknown ones and drops them). Punchline-specific; the bytes are exactly the
 * transport parameter's: {@code Transport Parameter ID (i) = 0x3d7e9f0bca12fea6, Length (i), Value (..)}.
 *
 * <p>"The client uses this transport parameter to indicate that it supports NAT traversal. It MUST NOT send any
 * value": {@code concurrencyLimit} 0 and Length 0. The server sends its concurrency limit, a varint greater than 0, as
 * the value ("the client MUST treat a value that is not a varint, or 0, as TRANSPORT_PARAMETER_ERROR"; a server
 * receiving a value does the same). A missing, repeated or late parameter is a PROTOCOL_VIOLATION
 * ({@link TraversalCodec}).
 *
 * @param concurrencyLimit 0 for the client's empty parameter, else the server's limit
 */
public record NatTraversalParameter(long concurrencyLimit) implements TraversalMessage {

    /** The transport parameter ID, used as the message type. */
    public static final long TYPE = 0x3d7e9f0bca12fea6L;

    public NatTraversalParameter {
        TraversalMessage.requireVarint(concurrencyLimit, "concurrency limit");
    }

    /** What the client sends: no value. */
    public static NatTraversalParameter fromClient() {
        return new NatTraversalParameter(0);
    }

    /** What the server sends: its concurrency limit, at least 1. */
    public static NatTraversalParameter fromServer(long concurrencyLimit) {
        if (concurrencyLimit < 1) {
            throw new IllegalArgumentException("the concurrency limit must be at least 1, not " + concurrencyLimit);
        }
        return new NatTraversalParameter(concurrencyLimit);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public String name() {
        return "nat_traversal";
    }

    @Override
    public int bodyLength() {
        int value = valueLength();
        return QuicVarint.encodedLength(value) + value;
    }

    private int valueLength() {
        return concurrencyLimit == 0 ? 0 : QuicVarint.encodedLength(concurrencyLimit);
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        QuicVarint.encode(valueLength(), out);
        if (concurrencyLimit != 0) {
            QuicVarint.encode(concurrencyLimit, out);
        }
    }

    /** The client's is empty, the server's carries a limit. */
    @Override
    public boolean mayBeSentBy(TraversalRole sender) {
        return (sender == TraversalRole.CLIENT) == (concurrencyLimit == 0);
    }

    /**
     * Reads Length and Value after the type; {@code in} holds exactly Length and Value. The value must be exactly one
     * varint greater than 0 when present.
     */
    static NatTraversalParameter decodeBody(ByteBuffer in, int valueLength) throws TraversalProtocolException {
        if (valueLength == 0) {
            return fromClient();
        }
        ByteBuffer value = in.slice(in.position(), valueLength);
        in.position(in.position() + valueLength);
        long limit = QuicVarint.tryDecode(value);
        if (limit < 0 || value.hasRemaining() || limit == 0) {
            throw TraversalProtocolException.parameter("nat_traversal value must be one varint greater than 0 ("
                    + valueLength + " bytes" + (limit == 0 ? ", value 0" : "") + ")");
        }
        return new NatTraversalParameter(limit);
    }
}
