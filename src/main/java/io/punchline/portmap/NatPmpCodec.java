package io.punchline.portmap;

import io.punchline.wire.WireFormatException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * NAT-PMP, RFC 6886: the public address request (section 3.2) and the answers to it and to a UDP mapping request
 * (section 3.3). Every answer is checked for version 0, its opcode (128 + the request's) and its length; result codes
 * are section 3.5's. A gateway that speaks only NAT-PMP answers a PCP request with version 0 and result 1
 * (RFC 6887 section 9), which {@link #isUnsupportedVersion} recognises.
 */
public final class NatPmpCodec {

    public static final int PORT = 5351;
    static final int VERSION = 0;
    static final int OP_ADDRESS = 0;
    static final int OP_MAP_UDP = 1;
    static final int RESPONSE = 128;
    public static final int SUCCESS = 0;
    public static final int UNSUPPORTED_VERSION = 1;
    /** The longest answer read: anything longer is not NAT-PMP (answers are 12 or 16 bytes). */
    static final int MAX_LENGTH = 1100;

    private NatPmpCodec() {
    }

    /** Section 3.2: {@code Vers = 0, OP = 0}. */
    public static byte[] addressRequest() {
        return new byte[] {VERSION, OP_ADDRESS};
    }

    public static NatPmpAddressResponse decodeAddressResponse(ByteBuffer in) throws WireFormatException {
        long[] header = header(in, RESPONSE + OP_ADDRESS);
        int result = (int) header[0];
        if (result != SUCCESS) {
            return new NatPmpAddressResponse(result, header[1], null);
        }
        need(in, 4, "external address");
        byte[] address = new byte[4];
        in.get(address);
        end(in);
        try {
            return new NatPmpAddressResponse(result, header[1], (Inet4Address) InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            throw new WireFormatException("bad address", e);
        }
    }

    public static NatPmpMapResponse decodeMapResponse(ByteBuffer in) throws WireFormatException {
        long[] header = header(in, RESPONSE + OP_MAP_UDP);
        int result = (int) header[0];
        if (result != SUCCESS && in.remaining() < 8) {
            return new NatPmpMapResponse(result, header[1], 0, 0, 0);
        }
        need(in, 8, "mapping");
        int internal = Short.toUnsignedInt(in.getShort());
        int external = Short.toUnsignedInt(in.getShort());
        long lifetime = Integer.toUnsignedLong(in.getInt());
        end(in);
        if (result == SUCCESS && (internal == 0 || (lifetime != 0 && external == 0))) {
            throw new WireFormatException("a successful mapping with port 0");
        }
        return result == SUCCESS ? new NatPmpMapResponse(result, header[1], internal, external, lifetime)
                : new NatPmpMapResponse(result, header[1], 0, 0, 0);
    }

    /** A version-0 answer with result 1: the gateway does not speak the version asked (PCP's 2). */
    public static boolean isUnsupportedVersion(ByteBuffer in) {
        ByteBuffer copy = in.duplicate();
        return copy.remaining() >= 4 && copy.get() == VERSION && (copy.get() & RESPONSE) != 0
                && Short.toUnsignedInt(copy.getShort()) == UNSUPPORTED_VERSION;
    }

    /** Version, opcode, result code and epoch: {@code [result, epoch]}. */
    private static long[] header(ByteBuffer in, int opcode) throws WireFormatException {
        if (in.remaining() > MAX_LENGTH) {
            throw new WireFormatException("answer of " + in.remaining() + " bytes");
        }
        need(in, 8, "header");
        int version = Byte.toUnsignedInt(in.get());
        int op = Byte.toUnsignedInt(in.get());
        if (version != VERSION) {
            throw new WireFormatException("version " + version + ", not 0");
        }
        if (op != opcode) {
            throw new WireFormatException("opcode " + op + ", not " + opcode);
        }
        int result = Short.toUnsignedInt(in.getShort());
        long epoch = Integer.toUnsignedLong(in.getInt());
        return new long[] {result, epoch};
    }

    private static void need(ByteBuffer in, int bytes, String what) throws WireFormatException {
        if (in.remaining() < bytes) {
            throw new WireFormatException("truncated " + what + ": " + in.remaining() + " of " + bytes + " bytes");
        }
    }

    private static void end(ByteBuffer in) throws WireFormatException {
        if (in.hasRemaining()) {
            throw new WireFormatException(in.remaining() + " bytes after the answer");
        }
    }
}
