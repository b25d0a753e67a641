package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * draft-ietf-masque-connect-udp-listen-13, "HTTP Datagram Payload Formats": on a compressed context, {@code
 * Context ID (i), UDP Payload (..)}, the tuple being implied by the registration. Context ID 0 has the same layout:
 * the RFC 9298 section 5 UDP Proxying Payload to or from the URI target.
 *
 * <p>This is a per-packet type: the UDP payload array is neither copied in nor out. Treat it as read-only.
 */
public record CompressedPayload(long contextId, byte[] udpPayload) {

    public CompressedPayload {
        if (contextId < 0 || contextId > QuicVarint.MAX_VALUE) {
            throw new IllegalArgumentException("Context ID outside 0..2^62-1: " + contextId);
        }
        UncompressedPayload.requireUdpLength(udpPayload.length);
    }

    /** Bytes of the HTTP Datagram Payload (no Quarter Stream ID). */
    public int encodedLength() {
        return QuicVarint.encodedLength(contextId) + udpPayload.length;
    }

    /** Writes the HTTP Datagram Payload (no Quarter Stream ID), e.g. into a DATAGRAM capsule. */
    public void encode(ByteBuffer out) {
        QuicVarint.encode(contextId, out);
        out.put(udpPayload);
    }

    /** The per-packet send path: a whole HTTP/3 datagram in one exactly sized array, copying the UDP payload once. */
    public static byte[] toDatagram(long quarterStreamId, long contextId, byte[] udp, int offset, int length) {
        UncompressedPayload.requireUdpLength(length);
        byte[] out = new byte[QuicVarint.encodedLength(quarterStreamId) + QuicVarint.encodedLength(contextId) + length];
        int at = QuicVarint.encode(quarterStreamId, out, 0);
        at = QuicVarint.encode(contextId, out, at);
        System.arraycopy(udp, offset, out, at, length);
        return out;
    }

    /** Second decoding step: {@code rest} starts after the Context ID. Consumes the rest of the buffer. */
    public static CompressedPayload decodeAfterContextId(long contextId, ByteBuffer rest) throws WireFormatException {
        return new CompressedPayload(contextId, BoundPayloads.remainingUdpPayload(rest));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CompressedPayload that && contextId == that.contextId
                && Arrays.equals(udpPayload, that.udpPayload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(contextId) * 31 + Arrays.hashCode(udpPayload);
    }

    @Override
    public String toString() {
        return "CompressedPayload[context=" + contextId + ", " + udpPayload.length + " bytes]";
    }
}
