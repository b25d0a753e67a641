package io.punchline.nat;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One message of the traversal control stream: a frame of draft-seemann-quic-nat-traversal-02 (ADD_ADDRESS,
 * PUNCH_ME_NOW, REMOVE_ADDRESS), of draft-ietf-quic-address-discovery-00 (OBSERVED_ADDRESS) or one of Punchline's
 * extensions for hard NATs (NAT_MAPPING, PORTS_OPEN; docs/ARCHITECTURE.md, "Hard NATs"), laid out byte for byte
 * like the frame: {@code Type (i)} in its minimal encoding, then the frame's fields. kwik cannot carry custom frames,
 * so Punchline sends these on a dedicated stream instead (docs/ARCHITECTURE.md, "Peer connections"); every field is fixed-size or a varint,
 * so the messages delimit themselves. Each direction of the stream opens with a {@link NatTraversalParameter}, the
 * draft's transport parameter, which kwik cannot carry either. {@link TraversalCodec} reads and writes the stream.
 */
public sealed interface TraversalMessage permits NatTraversalParameter, AddAddress, PunchMeNow, RemoveAddress, ObservedAddress,
        NatMapping, PortsOpen {

    /** The frame type, whose least significant bit gives the address family where the frame carries an address. */
    long type();

    /** The draft's name for the frame, for log lines and errors. */
    String name();

    /** Bytes of the fields after the type. */
    int bodyLength();

    /** Writes the fields after the type. */
    void encodeBody(ByteBuffer out);

    /** Whether an endpoint in {@code sender}'s role may send this message. */
    boolean mayBeSentBy(TraversalRole sender);

    /** Bytes of type and fields. */
    default int encodedLength() {
        return QuicVarint.encodedLength(type()) + bodyLength();
    }

    /** Writes type and fields. */
    default void encode(ByteBuffer out) {
        QuicVarint.encode(type(), out);
        encodeBody(out);
    }

    /** The whole message as a new array. */
    default byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        encode(out);
        return out.array();
    }

    /** 0 for an IPv4 address, 1 for IPv6: the bit the frame type carries. */
    static int familyBit(InetSocketAddress address) {
        return IpAddressCodec.ipVersion(address) == IpAddressCodec.IP_VERSION_6 ? 1 : 0;
    }

    /**
     * {@code message} with an IPv4-mapped address ({@code ::ffff:a.b.c.d}) as the IPv4 address inside it
     * ({@link IpAddressCodec#unmapped}): a dual-stack socket sends to and hears an IPv4 peer only as IPv4, so a peer's
     * IPv4 candidate is one address however it was written.
     */
    static TraversalMessage unmapped(TraversalMessage message) {
        if (message instanceof AddAddress add && add.address() != IpAddressCodec.unmapped(add.address())) {
            return new AddAddress(add.sequence(), IpAddressCodec.unmapped(add.address()));
        }
        if (message instanceof PunchMeNow punch && punch.address() != IpAddressCodec.unmapped(punch.address())) {
            return new PunchMeNow(punch.round(), punch.pairedWithSequence(), IpAddressCodec.unmapped(punch.address()));
        }
        if (message instanceof NatMapping mapping && mapping.reflexive() != IpAddressCodec.unmapped(mapping.reflexive())) {
            return new NatMapping(mapping.behaviour(), mapping.portStep(), IpAddressCodec.unmapped(mapping.reflexive()));
        }
        return message;
    }

    static void requireVarint(long value, String field) {
        if (value < 0 || value > QuicVarint.MAX_VALUE) {
            throw new IllegalArgumentException(field + " must be 0..2^62-1, not " + value);
        }
    }

    /** Rejects unresolved addresses and IPv6 scope IDs, which the wire cannot carry. */
    static void requireEncodable(InetSocketAddress address, String field) {
        if (address == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        IpAddressCodec.ipVersion(address);
        if (address.getAddress() instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            throw new IllegalArgumentException(field + " has a scope ID, which the frame cannot carry: " + address);
        }
    }
}
