package io.punchline.nat;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * draft-seemann-quic-nat-traversal-02, "PUNCH_ME_NOW Frame": {@code Type (i) = 0x3d7e92..0x3d7e93, Round (i),
 * Paired With Sequence Number (i), [IPv4 (32)], [IPv6 (128)], Port (16)}. Sent by the client only. "Round" is the
 * sequence number of the traversal attempt; "Paired With Sequence Number" names the server's ADD_ADDRESS whose address
 * forms the pair; the address is the client's candidate of the pair, toward which the server starts probing at once.
 * The least significant bit of the type gives the family of that address.
 */
public record PunchMeNow(long round, long pairedWithSequence, InetSocketAddress address) implements TraversalMessage {

    public static final long TYPE_IPV4 = 0x3d7e92;
    public static final long TYPE_IPV6 = 0x3d7e93;

    public PunchMeNow {
        TraversalMessage.requireVarint(round, "Round");
        TraversalMessage.requireVarint(pairedWithSequence, "Paired With Sequence Number");
        TraversalMessage.requireEncodable(address, "address");
    }

    @Override
    public long type() {
        return TYPE_IPV4 | TraversalMessage.familyBit(address);
    }

    @Override
    public String name() {
        return "PUNCH_ME_NOW";
    }

    @Override
    public int bodyLength() {
        return QuicVarint.encodedLength(round) + QuicVarint.encodedLength(pairedWithSequence)
                + IpAddressCodec.addressAndPortLength(address);
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        QuicVarint.encode(round, out);
        QuicVarint.encode(pairedWithSequence, out);
        IpAddressCodec.writeAddressAndPort(address, out);
    }

    @Override
    public boolean mayBeSentBy(TraversalRole sender) {
        return sender == TraversalRole.CLIENT;
    }

    /** Reads the fields after a type of 0x3d7e92 or 0x3d7e93. */
    static PunchMeNow decodeBody(long type, ByteBuffer in) throws WireFormatException {
        long round = QuicVarint.decode(in);
        long paired = QuicVarint.decode(in);
        return new PunchMeNow(round, paired, IpAddressCodec.readAddressAndPort(TraversalCodec.ipVersion(type), in));
    }
}
