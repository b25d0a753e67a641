package io.punchline.masque;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * draft-ietf-masque-connect-udp-listen-13, "COMPRESSION_ASSIGN Capsule":
 * {@code Type (i) = 0x11, Length (i), Context ID (i), IP Version (8), [IP Address (32..128)], [UDP Port (16)]}.
 * "The IP Version MUST be 0, 4 or 6"; version 0 registers the uncompressed context and carries neither address nor
 * port. "The assigned Context ID can never be 0."
 *
 * @param contextId the context being registered, 1..2^62-1
 * @param target the (IP, port) tuple a compressed context stands for; {@code null} for the uncompressed context
 */
public record CompressionAssign(long contextId, InetSocketAddress target) implements Capsule {

    public static final long TYPE = 0x11;

    /** Longest legal value: 8-byte context ID, version, IPv6 address, port. */
    static final int MAX_VALUE_LENGTH = 8 + 1 + 16 + 2;

    public CompressionAssign {
        ContextIds.requireAssignable(contextId);
        if (target != null) {
            IpAddressCodec.ipVersion(target); // rejects unresolved addresses
        }
    }

    public static CompressionAssign uncompressed(long contextId) {
        return new CompressionAssign(contextId, null);
    }

    public boolean isUncompressed() {
        return target == null;
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public long valueLength() {
        return QuicVarint.encodedLength(contextId) + IpAddressCodec.versionedLength(target);
    }

    @Override
    public void encodeValue(ByteBuffer out) {
        QuicVarint.encode(contextId, out);
        IpAddressCodec.writeVersioned(target, out);
    }

    /** Decodes a value of exactly the capsule's length. */
    static CompressionAssign decodeValue(ByteBuffer value) throws WireFormatException {
        long contextId = ContextIds.decodeAssignable(value, "COMPRESSION_ASSIGN");
        InetSocketAddress target = IpAddressCodec.readVersioned(value);
        ContextIds.requireEnd(value, "COMPRESSION_ASSIGN");
        return new CompressionAssign(contextId, target);
    }
}
