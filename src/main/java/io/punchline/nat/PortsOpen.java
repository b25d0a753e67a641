package io.punchline.nat;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;

/**
 * A Punchline extension message of the traversal control stream (docs/ARCHITECTURE.md, "Hard NATs"):
 * {@code Type (i) = 0x504c92, Ports (i)}. The sender, behind a NAT whose mappings depend on the destination port, has
 * just opened that many sockets and sent from each toward the receiver's reflexive address (from its
 * {@link NatMapping}), so its NAT now holds that many mappings the receiver may find by probing the sender's public
 * address at random ports. Either role sends it, at most once per attempt.
 */
public record PortsOpen(int ports) implements TraversalMessage {

    public static final long TYPE = 0x504c92;
    /** More ports than any sender opens; a larger count is a protocol error. */
    public static final int MAX_PORTS = 4096;

    public PortsOpen {
        if (ports < 1 || ports > MAX_PORTS) {
            throw new IllegalArgumentException("Ports must be 1.." + MAX_PORTS + ", not " + ports);
        }
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public String name() {
        return "PORTS_OPEN";
    }

    @Override
    public int bodyLength() {
        return QuicVarint.encodedLength(ports);
    }

    @Override
    public void encodeBody(ByteBuffer out) {
        QuicVarint.encode(ports, out);
    }

    @Override
    public boolean mayBeSentBy(TraversalRole sender) {
        return true;
    }

    static PortsOpen decodeBody(ByteBuffer in) throws WireFormatException {
        long ports = QuicVarint.decode(in);
        if (ports < 1 || ports > MAX_PORTS) {
            throw new WireFormatException("PORTS_OPEN with " + ports + " ports (1.." + MAX_PORTS + ")");
        }
        return new PortsOpen((int) ports);
    }
}
