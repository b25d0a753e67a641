package io.punchline.masque;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * draft-ietf-masque-connect-udp-listen-13, "HTTP Datagram Payload Formats": on the uncompressed context, {@code
 * Context ID (i), IP Version (8) = 4 or 6, IP Address (32..128), UDP Port (16), UDP Payload (..)}. From client to proxy
 * the address is the destination; from proxy to client it is the source of the packet the proxy received.
 *
 * <p>This is a per-packet type: the UDP payload array is neither copied in nor out. Treat it as read-only.
 */
public record UncompressedPayload(long contextId, InetSocketAddress address, byte[] udpPayload) {

    public UncompressedPayload {
        ContextIds.requireAssignable(contextId);
        IpAddressCodec.ipVersion(address);
        requireUdpLength(udpPayload.length);
    }

    /** Bytes of the HTTP Datagram Payload (no Quarter Stream ID). */
    public int encodedLength() {
        return QuicVarint.encodedLength(contextId) + IpAddressCodec.versionedLength(address) + udpPayload.length;
    }

    /** Writes the HTTP Datagram Payload (no Quarter Stream ID), e.g. into a DATAGRAM capsule. */
    public void encode(ByteBuffer out) {
        QuicVarint.encode(contextId, out);
        IpAddressCodec.writeVersioned(address, out);
        out.put(udpPayload);
    }

    /**
     * The per-packet send path: a whole HTTP/3 datagram (Quarter Stream ID, Context ID, address header, UDP payload)
     * in one exactly sized array, copying the UDP payload once.
     */
    public static byte[] toDatagram(long quarterStreamId, long contextId, InetSocketAddress address,
                                    byte[] udp, int offset, int length) {
        requireUdpLength(length);
        byte[] out = new byte[QuicVarint.encodedLength(quarterStreamId) + QuicVarint.encodedLength(contextId)
                + IpAddressCodec.versionedLength(address) + length];
        int at = QuicVarint.encode(quarterStreamId, out, 0);
        at = QuicVarint.encode(contextId, out, at);
        at = IpAddressCodec.writeVersioned(address, out, at);
        System.arraycopy(udp, offset, out, at, length);
        return out;
    }

    /**
     * Second decoding step: {@code rest} starts after the Context ID, which the caller looked up as the uncompressed
     * context. Consumes the rest of the buffer.
     */
    public static UncompressedPayload decodeAfterContextId(long contextId, ByteBuffer rest)
            throws WireFormatException {
        if (contextId == 0) {
            throw new WireFormatException("uncompressed payload on Context ID 0");
        }
        if (!rest.hasRemaining()) {
            throw new WireFormatException("uncompressed payload without IP Version");
        }
        int ipVersion = rest.get() & 0xFF;
        if (ipVersion != IpAddressCodec.IP_VERSION_4 && ipVersion != IpAddressCodec.IP_VERSION_6) {
            throw new WireFormatException("uncompressed payload IP Version must be 4 or 6, not " + ipVersion);
        }
        InetSocketAddress address = IpAddressCodec.readAddressAndPort(ipVersion, rest);
        return new UncompressedPayload(contextId, address, BoundPayloads.remainingUdpPayload(rest));
    }

    static void requireUdpLength(int length) {
        if (length < 0 || length > BoundPayloads.MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("UDP payload of " + length + " bytes, at most "
                    + BoundPayloads.MAX_UDP_PAYLOAD);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UncompressedPayload that && contextId == that.contextId
                && address.equals(that.address) && Arrays.equals(udpPayload, that.udpPayload);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(contextId) * 31 + address.hashCode()) * 31 + Arrays.hashCode(udpPayload);
    }

    @Override
    public String toString() {
        return "UncompressedPayload[context=" + contextId + ", " + address + ", " + udpPayload.length + " bytes]";
    }
}
