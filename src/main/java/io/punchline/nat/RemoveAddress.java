package io.punchline.nat;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;

/**
 * draft-seemann-quic-nat-traversal-02, "REMOVE_ADDRESS Frame": {@code Type (i) = 0x3d7e94, Sequence Number (i)}. Sent
 * by the server only, to withdraw the address it advertised with the ADD_ADDRESS of that sequence number.
 */
public record RemoveAddress(long sequence) implements TraversalMessage {

    public static final long TYPE = 0x3d7e94;

    public RemoveAddress {
        TraversalMessage.requireVarint(sequence, "Sequence Number");
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public String name() {
        return "REMOVE_ADDRESS";
    }

    @Override
    public int bodyLength() {
        return QuicVarint.encodedLength(sequence);
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        QuicVarint.encode(sequence, out);
    }

    @Override
    public boolean mayBeSentBy(TraversalRole sender) {
        return sender == TraversalRole.SERVER;
    }

    static RemoveAddress decodeBody(ByteBuffer in) throws WireFormatException {
        return new RemoveAddress(QuicVarint.decode(in));
    }
}
