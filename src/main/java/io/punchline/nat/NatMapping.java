package io.punchline.nat;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A Punchline extension message of the traversal control stream (docs/ARCHITECTURE.md, "Hard NATs"): how the sender's
 * NAT maps its socket, in RFC 4787 section 4.1's terms, and the server-reflexive address it was seen at.
 * {@code Type (i) = 0x504c90..0x504c91, Behaviour (i), Port Step (i), [IPv4 (32)], [IPv6 (128)], Port (16)}; the least
 * significant bit of the type gives the family, as in ADD_ADDRESS. Either role sends it once, after the parameter.
 *
 * <p>The sender learns it from two observations of its one socket at one relay: the address the relay's QUIC listener
 * saw (the relay's {@code punchline-observed-address} answer header) and the address its own bind socket saw (the
 * reflexive echo). The same address both times: endpoint-independent mapping (or address-dependent: one relay address
 * cannot tell those apart). Another port: the mapping depends on the destination port, and a peer must meet the
 * sender's NAT at a port it cannot know; a port a little above the first one ({@value #MAX_SEQUENTIAL_STEP} or less)
 * suggests a NAT that allocates ports in sequence, whose next ports can be predicted.
 *
 * @param portStep for {@link Behaviour#SEQUENTIAL}, how far apart the two observed ports were; 0 otherwise
 */
public record NatMapping(Behaviour behaviour, int portStep, InetSocketAddress reflexive) implements TraversalMessage {

    public static final long TYPE_IPV4 = 0x504c90;
    public static final long TYPE_IPV6 = 0x504c91;
    /** The largest port difference still read as sequential allocation. */
    public static final int MAX_SEQUENTIAL_STEP = 64;

    /** RFC 4787 section 4.1 mapping behaviours, as far as two observations tell them. */
    public enum Behaviour {
        /** A code this version does not know: nothing is done on it. */
        UNKNOWN(0),
        /** The same mapping toward every destination: ordinary candidate pairs open it. */
        ENDPOINT_INDEPENDENT(1),
        /** A new mapping per destination port, at a port not predictable ("symmetric"). */
        PORT_DEPENDENT(2),
        /** A new mapping per destination port, allocated in sequence. */
        SEQUENTIAL(3);

        private final int code;

        Behaviour(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** Whether a peer can reach this side only at ports it must guess (or predict). */
        public boolean isHard() {
            return this == PORT_DEPENDENT || this == SEQUENTIAL;
        }

        static Behaviour ofCode(long code) {
            for (Behaviour b : values()) {
                if (b.code == code) {
                    return b;
                }
            }
            return UNKNOWN;
        }
    }

    public NatMapping {
        if (behaviour == null) {
            throw new IllegalArgumentException("behaviour is required");
        }
        if (portStep < 0 || portStep > 65535) {
            throw new IllegalArgumentException("Port Step must be 0..65535, not " + portStep);
        }
        TraversalMessage.requireEncodable(reflexive, "address");
    }

    /**
     * What two observations of one socket tell: {@code atListener} by the relay's QUIC listener, {@code atBind} by
     * the bind socket, seen later. Empty when either is missing.
     */
    public static Optional<NatMapping> observed(InetSocketAddress atListener, InetSocketAddress atBind) {
        if (atListener == null || atBind == null) {
            return Optional.empty();
        }
        InetSocketAddress first = IpAddressCodec.unmapped(atListener);
        InetSocketAddress second = IpAddressCodec.unmapped(atBind);
        if (first.equals(second)) {
            return Optional.of(new NatMapping(Behaviour.ENDPOINT_INDEPENDENT, 0, second));
        }
        int step = second.getPort() - first.getPort();
        if (first.getAddress().equals(second.getAddress()) && step > 0 && step <= MAX_SEQUENTIAL_STEP) {
            return Optional.of(new NatMapping(Behaviour.SEQUENTIAL, step, second));
        }
        return Optional.of(new NatMapping(Behaviour.PORT_DEPENDENT, 0, second));
    }

    @Override
    public long type() {
        return TYPE_IPV4 | TraversalMessage.familyBit(reflexive);
    }

    @Override
    public String name() {
        return "NAT_MAPPING";
    }

    @Override
    public int bodyLength() {
        return QuicVarint.encodedLength(behaviour.code) + QuicVarint.encodedLength(portStep)
                + IpAddressCodec.addressAndPortLength(reflexive);
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        QuicVarint.encode(behaviour.code, out);
        QuicVarint.encode(portStep, out);
        IpAddressCodec.writeAddressAndPort(reflexive, out);
    }

    @Override
    public boolean mayBeSentBy(TraversalRole sender) {
        return true;
    }

    /** Reads the fields after a type of 0x504c90 or 0x504c91; an unknown behaviour code reads as UNKNOWN. */
    static NatMapping decodeBody(long type, ByteBuffer in) throws WireFormatException {
        Behaviour behaviour = Behaviour.ofCode(QuicVarint.decode(in));
        long step = QuicVarint.decode(in);
        InetSocketAddress address = IpAddressCodec.readAddressAndPort(TraversalCodec.ipVersion(type), in);
        if (step > 65535) {
            throw new WireFormatException("NAT_MAPPING Port Step " + step + " is not a port difference");
        }
        return new NatMapping(behaviour, (int) step, address);
    }
}
