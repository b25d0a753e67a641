package io.punchline.portmap;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * RFC 6887 section 7.1 (request header) with section 11.1 (MAP opcode data): a request for a mapping of
 * {@code internalPort} on {@code client}, the address the request leaves from (section 8.1); lifetime 0 deletes the
 * mapping with this nonce (section 15). Addresses go as IPv6, IPv4 ones IPv4-mapped (section 5).
 *
 * <pre>
 *   Version = 2 (8) | R = 0 (1) | Opcode = MAP (7) | Reserved (16) | Requested Lifetime (32) | Client IP (128)
 *   Mapping Nonce (96) | Protocol (8) | Reserved (24) | Internal Port (16) | Suggested External Port (16)
 *   Suggested External IP Address (128)
 * </pre>
 */
public record PcpMapRequest(long lifetimeSeconds, InetAddress client, PcpNonce nonce, int protocol, int internalPort,
                            int suggestedExternalPort, InetAddress suggestedExternal) {

    public static final int LENGTH = PcpCodec.HEADER_LENGTH + PcpCodec.MAP_LENGTH;

    public PcpMapRequest {
        if (client == null || nonce == null || suggestedExternal == null) {
            throw new IllegalArgumentException("client, nonce and suggested address are required");
        }
        if (lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFFFFFFL || protocol < 0 || protocol > 0xFF
                || internalPort < 1 || internalPort > 0xFFFF || suggestedExternalPort < 0 || suggestedExternalPort > 0xFFFF) {
            throw new IllegalArgumentException("field out of range");
        }
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(LENGTH);
        out.put((byte) PcpCodec.VERSION).put((byte) PcpCodec.OPCODE_MAP).putShort((short) 0).putInt((int) lifetimeSeconds);
        PcpCodec.putAddress(out, client);
        nonce.write(out);
        out.put((byte) protocol).put(new byte[3]).putShort((short) internalPort).putShort((short) suggestedExternalPort);
        PcpCodec.putAddress(out, suggestedExternal);
        return out.array();
    }
}
