package io.punchline.nat;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * draft-ietf-quic-address-discovery-00, "OBSERVED_ADDRESS Frame": {@code Type (i) = 0x9f81a6..0x9f81a7,
 * Sequence Number (i), [IPv4 (32)], [IPv6 (128)], Port (16)}; the least significant bit of the type gives the family.
 * It reports the source address the sender saw on the receiver's packets: a server-reflexive candidate. "The sequence
 * number MUST increase monotonically" per connection; a receiver ignores one no newer than the last for the same path.
 * Either endpoint may send it to a peer that asked for observations; that negotiation is the session's business.
 */
public record ObservedAddress(long sequence, InetSocketAddress address) implements TraversalMessage {

    public static final long TYPE_IPV4 = 0x9f81a6;
    public static final long TYPE_IPV6 = 0x9f81a7;

    public ObservedAddress {
        TraversalMessage.requireVarint(sequence, "Sequence Number");
        TraversalMessage.requireEncodable(address, "address");
    }

    @Override
    public long type() {
        return TYPE_IPV4 | TraversalMessage.familyBit(address);
    }

    @Override
    public String name() {
        return "OBSERVED_ADDRESS";
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
        return true;
    }

    static ObservedAddress decodeBody(long type, ByteBuffer in) throws WireFormatException {
        long sequence = QuicVarint.decode(in);
        return new ObservedAddress(sequence, IpAddressCodec.readAddressAndPort(TraversalCodec.ipVersion(type), in));
    }
}
