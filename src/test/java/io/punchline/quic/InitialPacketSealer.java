package io.punchline.quic;

import io.punchline.wire.QuicVarint;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sending side of RFC 9001 sections 5.3 and 5.4, for tests only: builds a QUIC v1 Initial packet with an empty
 * token, a 2-byte Length (as in RFC 9001 appendix A) and the given packet number length, encrypts it and applies
 * header protection. Checked against RFC 9001 appendix A.3 in {@link InitialPacketsTest}.
 */
final class InitialPacketSealer {

    private InitialPacketSealer() {
    }

    /** Header bytes up to and including the (unprotected) packet number. */
    static byte[] header(byte[] destinationConnectionId, byte[] sourceConnectionId, long packetNumber,
                         int packetNumberLength, int payloadLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC0 | (packetNumberLength - 1));
        out.writeBytes(new byte[] {0, 0, 0, 1});
        out.write(destinationConnectionId.length);
        out.writeBytes(destinationConnectionId);
        out.write(sourceConnectionId.length);
        out.writeBytes(sourceConnectionId);
        out.write(0); // token length
        int length = packetNumberLength + payloadLength + 16;
        out.write(0x40 | (length >>> 8));
        out.write(length);
        for (int i = packetNumberLength - 1; i >= 0; i--) {
            out.write((int) (packetNumber >>> (8 * i)));
        }
        return out.toByteArray();
    }

    static byte[] seal(InitialKeys keys, byte[] destinationConnectionId, byte[] sourceConnectionId, long packetNumber,
                       int packetNumberLength, byte[] payload) {
        byte[] header = header(destinationConnectionId, sourceConnectionId, packetNumber, packetNumberLength,
                payload.length);
        try {
            byte[] nonce = keys.iv();
            for (int i = 0; i < 8; i++) {
                nonce[11 - i] ^= (byte) (packetNumber >>> (8 * i));
            }
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.key(), "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(header);
            byte[] sealed = gcm.doFinal(payload);
            byte[] packet = Arrays.copyOf(header, header.length + sealed.length);
            System.arraycopy(sealed, 0, packet, header.length, sealed.length);
            int packetNumberOffset = header.length - packetNumberLength;
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.headerProtectionKey(), "AES"));
            byte[] mask = ecb.doFinal(packet, packetNumberOffset + 4, 16);
            packet[0] ^= (byte) (mask[0] & 0x0F);
            for (int i = 0; i < packetNumberLength; i++) {
                packet[packetNumberOffset + i] ^= mask[1 + i];
            }
            return packet;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRYPTO frame (RFC 9000 section 19.6). */
    static byte[] cryptoFrame(long offset, byte[] data) {
        byte[] frame = new byte[1 + 8 + 8 + data.length];
        frame[0] = 0x06;
        int at = QuicVarint.encode(offset, frame, 1);
        at = QuicVarint.encode(data.length, frame, at);
        System.arraycopy(data, 0, frame, at, data.length);
        return Arrays.copyOf(frame, at + data.length);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
