package io.punchline.quic;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A QUIC v1 Initial packet (RFC 9000 section 17.2.2) with header protection removed and payload decrypted.
 * {@code packetNumber} is the truncated number as sent, which equals the full number for the first packets of a
 * connection (RFC 9000 appendix A.3 with no packet received yet). Accessors return copies.
 */
public record InitialPacket(int version, byte[] destinationConnectionId, byte[] sourceConnectionId, byte[] token,
                            long packetNumber, InitialFrames payload) {

    public InitialPacket {
        destinationConnectionId = destinationConnectionId.clone();
        sourceConnectionId = sourceConnectionId.clone();
        token = token.clone();
    }

    @Override
    public byte[] destinationConnectionId() {
        return destinationConnectionId.clone();
    }

    @Override
    public byte[] sourceConnectionId() {
        return sourceConnectionId.clone();
    }

    @Override
    public byte[] token() {
        return token.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InitialPacket that && version == that.version && packetNumber == that.packetNumber
                && Arrays.equals(destinationConnectionId, that.destinationConnectionId)
                && Arrays.equals(sourceConnectionId, that.sourceConnectionId) && Arrays.equals(token, that.token)
                && payload.equals(that.payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(packetNumber) * 31 + payload.hashCode();
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "InitialPacket[version=" + Integer.toHexString(version) + ", dcid=" + hex.formatHex(destinationConnectionId)
                + ", scid=" + hex.formatHex(sourceConnectionId) + ", token=" + hex.formatHex(token)
                + ", packetNumber=" + packetNumber + ", payload=" + payload + "]";
    }
}
