package io.punchline.nat;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * draft-seemann-quic-nat-traversal-02, "ADD_ADDRESS Frame":
 * {@code Type (i) = 0x3d7e90..0x3d7e91, Sequence Number (i), [IPv4 (32)], [IPv6 (128)], Port (16)}. "The least
 * significant bit of the frame type indicates whether an IPv4 or an IPv6 address is contained." Sent by the server only,
 * to advertise one of its address candidates; the sequence number identifies the advertisement for REMOVE_ADDRESS and
 * for PUNCH_ME_NOW's Paired With Sequence Number.
 */
public record AddAddress(long sequence, InetSocketAddress address) implements TraversalMessage {

    public static final long TYPE_IPV4 = 0x3d7e90;
    public static final long TYPE_IPV6 = 0x3d7e91;

    public AddAddress {
        TraversalMessage.requireVarint(sequence, "Sequence Number");
        TraversalMessage.requireEncodable(address, "address");
    }

    @Override
    public long type() {
        return TYPE_IPV4 | TraversalMessage.familyBit(address);
    }

    @Override
    public String name() {
        return "ADD_ADDRESS";
    }

    @Override
    public int bodyLength() {
        return QuicVarint.encodedLength(sequence) + IpAddressCodec.addressAndPortLength(address);
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        QuicVarint.encode(sequence, out);
        IpAddressCodec.writeAddressAndPort(address, out);
    }

    @Override
    public boolean mayBeSentBy(TraversalRole sender) {
        return sender == TraversalRole.SERVER;
    }

    /** Reads the fields after a type of 0x3d7e90 or 0x3d7e91. */
    static AddAddress decodeBody(long type, ByteBuffer in) throws WireFormatException {
        long sequence = QuicVarint.decode(in);
        return new AddAddress(sequence, IpAddressCodec.readAddressAndPort(TraversalCodec.ipVersion(type), in));
    }
}
