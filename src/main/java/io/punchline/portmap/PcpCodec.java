package io.punchline.portmap;

import io.punchline.wire.WireFormatException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * PCP, RFC 6887: MAP answers (sections 7.2 and 11.1) read and checked. Section 7: a message is at most 1100 bytes and a
 * multiple of 4; section 8.3: an answer has version 2 and the R bit set; options that follow the opcode data
 * (section 7.3) are skipped whole, each length checked against what is left. Result codes are section 7.4's.
 */
public final class PcpCodec {

    static final int VERSION = 2;
    static final int OPCODE_MAP = 1;
    static final int RESPONSE_BIT = 0x80;
    static final int HEADER_LENGTH = 24;
    static final int MAP_LENGTH = 36;
    static final int MAX_LENGTH = 1100;
    public static final int PROTOCOL_UDP = 17;
    public static final int SUCCESS = 0;
    public static final int UNSUPP_VERSION = 1;

    private PcpCodec() {
    }

    public static PcpMapResponse decode(ByteBuffer in) throws WireFormatException {
        int length = in.remaining();
        if (length < HEADER_LENGTH || length > MAX_LENGTH || length % 4 != 0) {
            throw new WireFormatException("a PCP answer of " + length + " bytes");
        }
        int version = Byte.toUnsignedInt(in.get());
        int opcode = Byte.toUnsignedInt(in.get());
        if (version != VERSION) {
            throw new WireFormatException("version " + version + ", not 2");
        }
        if (opcode != (RESPONSE_BIT | OPCODE_MAP)) {
            throw new WireFormatException("opcode byte " + opcode + " is not a MAP answer");
        }
        in.get(); // reserved
        int result = Byte.toUnsignedInt(in.get());
        long lifetime = Integer.toUnsignedLong(in.getInt());
        long epoch = Integer.toUnsignedLong(in.getInt());
        in.position(in.position() + 12); // reserved
        if (!in.hasRemaining() && result != SUCCESS) {
            return new PcpMapResponse(result, lifetime, epoch, null, 0, 0, 0, null);
        }
        if (in.remaining() < MAP_LENGTH) {
            throw new WireFormatException("truncated MAP data: " + in.remaining() + " bytes");
        }
        PcpNonce nonce = PcpNonce.read(in);
        int protocol = Byte.toUnsignedInt(in.get());
        in.position(in.position() + 3);
        int internal = Short.toUnsignedInt(in.getShort());
        int external = Short.toUnsignedInt(in.getShort());
        InetAddress address = getAddress(in);
        skipOptions(in);
        if (result == SUCCESS && lifetime != 0 && (internal == 0 || external == 0)) {
            throw new WireFormatException("a successful mapping with port 0");
        }
        return new PcpMapResponse(result, lifetime, epoch, nonce, protocol, internal, external, address);
    }

    /** Section 7.3: {@code Option Code (8) | Reserved (8) | Option Length (16) | data, padded to 4}. */
    private static void skipOptions(ByteBuffer in) throws WireFormatException {
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                throw new WireFormatException("truncated option header");
            }
            in.getShort();
            int length = Short.toUnsignedInt(in.getShort());
            int padded = (length + 3) & ~3;
            if (padded > in.remaining()) {
                throw new WireFormatException("option of " + length + " bytes, " + in.remaining() + " left");
            }
            in.position(in.position() + padded);
        }
    }

    /** Section 5: IPv4 addresses as IPv4-mapped IPv6. */
    static void putAddress(ByteBuffer out, InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            out.put(new byte[10]).put((byte) 0xFF).put((byte) 0xFF);
        }
        out.put(bytes);
    }

    private static InetAddress getAddress(ByteBuffer in) throws WireFormatException {
        byte[] bytes = new byte[16];
        in.get(bytes);
        try {
            return InetAddress.getByAddress(bytes); // an IPv4-mapped address comes back as an Inet4Address
        } catch (UnknownHostException e) {
            throw new WireFormatException("bad address", e);
        }
    }
}
