package io.punchline.quic;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens the first QUIC v1 Initial packet of a UDP datagram with the Initial keys of RFC 9001 section 5.2
 * ({@link InitialKeys}), which anyone who saw the client's first Initial can derive.
 * <ul>
 *   <li>RFC 9000 section 17.2 and 17.2.2: long header, Initial packet layout; section 12.2: a datagram may hold several
 *       coalesced long-header packets, each with a Length field, so the ones before the Initial are skipped.</li>
 *   <li>RFC 9001 section 5.4: header protection; the mask is AES-ECB(hp, sample) with the 16-byte sample at
 *       {@code pn_offset + 4}; it hides the low 4 bits of the first byte and the packet number.</li>
 *   <li>RFC 9001 section 5.3: AES-128-GCM with nonce {@code iv XOR packet number} and the unprotected header as AAD.</li>
 * </ul>
 * Every malformed or unauthentic input ends in {@link WireFormatException}; nothing else is thrown for any byte array.
 */
public final class InitialPackets {

    /** RFC 9000 section 15: QUIC version 1. */
    public static final int QUIC_V1 = 0x0000_0001;

    private static final int INITIAL = 0;
    private static final int RETRY = 3;
    private static final int SAMPLE_LENGTH = 16;
    private static final int TAG_BITS = 128;

    private InitialPackets() {
    }

    /** The position of one long-header packet in a datagram, before header protection is removed. */
    private record LongHeader(int type, int version, byte[] destinationConnectionId, byte[] sourceConnectionId,
                              byte[] token, int start, int packetNumberOffset, int end) {
    }

    /** Opens the first Initial of a datagram the server sent, with the server keys from the client's original DCID. */
    public static InitialPacket openServerInitial(byte[] originalDestinationConnectionId, byte[] datagram)
            throws WireFormatException {
        if (originalDestinationConnectionId.length > InitialKeys.MAX_CONNECTION_ID_LENGTH) {
            throw new WireFormatException("a QUIC v1 connection ID is at most 20 bytes, not "
                    + originalDestinationConnectionId.length);
        }
        return open(datagram, InitialKeys.server(originalDestinationConnectionId));
    }

    /** Opens the first Initial packet of {@code datagram} with {@code keys} (client's or server's direction). */
    public static InitialPacket open(byte[] datagram, InitialKeys keys) throws WireFormatException {
        LongHeader header = firstInitial(datagram);
        byte[] packet = Arrays.copyOfRange(datagram, header.start(), header.end());
        int packetNumberOffset = header.packetNumberOffset() - header.start();
        if (packetNumberOffset + 4 + SAMPLE_LENGTH > packet.length) {
            throw new WireFormatException("Initial packet of " + packet.length
                    + " bytes is too short for a header protection sample");
        }
        byte[] mask = aes("AES/ECB/NoPadding", Cipher.ENCRYPT_MODE, keys.headerProtectionKey(), null)
                .update(packet, packetNumberOffset + 4, SAMPLE_LENGTH);
        packet[0] ^= (byte) (mask[0] & 0x0F);
        int packetNumberLength = (packet[0] & 0x03) + 1;
        long packetNumber = 0;
        for (int i = 0; i < packetNumberLength; i++) {
            packet[packetNumberOffset + i] ^= mask[1 + i];
            packetNumber = (packetNumber << 8) | (packet[packetNumberOffset + i] & 0xFF);
        }
        int headerLength = packetNumberOffset + packetNumberLength;
        byte[] payload = decrypt(keys, packetNumber, packet, headerLength);
        if ((packet[0] & 0x0C) != 0) {
            throw new WireFormatException("Initial packet has reserved bits set (RFC 9000 section 17.2)");
        }
        if (payload.length == 0) {
            throw new WireFormatException("Initial packet without frames (RFC 9000 section 12.4)");
        }
        return new InitialPacket(header.version(), header.destinationConnectionId(), header.sourceConnectionId(),
                header.token(), packetNumber, InitialFrames.parse(payload));
    }

    /**
     * The Destination Connection ID of the first Initial packet in a datagram, read without decrypting anything: from
     * the client's first datagram this is the ID both sides derive the Initial keys from. Empty for anything else.
     */
    public static Optional<byte[]> firstInitialDestinationConnectionId(byte[] datagram) {
        try {
            return Optional.of(firstInitial(datagram).destinationConnectionId());
        } catch (WireFormatException notAnInitial) {
            return Optional.empty();
        }
    }

    private static LongHeader firstInitial(byte[] datagram) throws WireFormatException {
        ByteBuffer in = ByteBuffer.wrap(datagram);
        while (true) {
            if (!in.hasRemaining()) {
                throw new WireFormatException("no Initial packet in the datagram");
            }
            LongHeader header = readLongHeader(in);
            if (header.type() == INITIAL) {
                return header;
            }
            in.position(header.end());
        }
    }

    /** RFC 9000 section 17.2; leaves {@code in} at the packet number of an Initial, 0-RTT or Handshake packet. */
    private static LongHeader readLongHeader(ByteBuffer in) throws WireFormatException {
        int start = in.position();
        int first = in.get() & 0xFF;
        if ((first & 0x80) == 0) {
            throw new WireFormatException("a short-header packet before any Initial");
        }
        if (in.remaining() < 4) {
            throw new WireFormatException("long header ends inside its version");
        }
        int version = in.getInt();
        if (version == 0) {
            throw new WireFormatException("a Version Negotiation packet, no Initial");
        }
        if (version != QUIC_V1) {
            throw new WireFormatException(String.format("QUIC version 0x%08x is not version 1", version));
        }
        byte[] destination = readConnectionId(in);
        byte[] source = readConnectionId(in);
        int type = (first >>> 4) & 0x03;
        if (type == RETRY) {
            throw new WireFormatException("a Retry packet, no Initial");
        }
        byte[] token = type == INITIAL ? readBytes(in, QuicVarint.decode(in), "token") : new byte[0];
        long length = QuicVarint.decode(in);
        if (length > in.remaining()) {
            throw new WireFormatException("long-header packet announces " + length + " bytes, " + in.remaining()
                    + " left in the datagram");
        }
        int packetNumberOffset = in.position();
        return new LongHeader(type, version, destination, source, token, start, packetNumberOffset,
                packetNumberOffset + (int) length);
    }

    private static byte[] readConnectionId(ByteBuffer in) throws WireFormatException {
        if (!in.hasRemaining()) {
            throw new WireFormatException("long header ends before a connection ID length");
        }
        int length = in.get() & 0xFF;
        if (length > InitialKeys.MAX_CONNECTION_ID_LENGTH) {
            throw new WireFormatException("connection ID of " + length + " bytes; version 1 allows at most 20");
        }
        return readBytes(in, length, "connection ID");
    }

    private static byte[] readBytes(ByteBuffer in, long length, String what) throws WireFormatException {
        if (length > in.remaining()) {
            throw new WireFormatException(what + " of " + length + " bytes, " + in.remaining() + " left");
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return bytes;
    }

    /** RFC 9001 section 5.3: the nonce is the IV XORed with the packet number, left-padded to 12 bytes. */
    private static byte[] decrypt(InitialKeys keys, long packetNumber, byte[] packet, int headerLength)
            throws WireFormatException {
        byte[] nonce = keys.iv();
        for (int i = 0; i < 8; i++) {
            nonce[nonce.length - 1 - i] ^= (byte) (packetNumber >>> (8 * i));
        }
        Cipher gcm = aes("AES/GCM/NoPadding", Cipher.DECRYPT_MODE, keys.key(), new GCMParameterSpec(TAG_BITS, nonce));
        gcm.updateAAD(packet, 0, headerLength);
        try {
            return gcm.doFinal(packet, headerLength, packet.length - headerLength);
        } catch (AEADBadTagException unauthentic) {
            throw new WireFormatException("Initial packet fails AES-128-GCM authentication (wrong connection ID "
                    + "or damaged packet)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-GCM rejected a well-formed input", e);
        }
    }

    private static Cipher aes(String transformation, int mode, byte[] key, GCMParameterSpec parameters) {
        try {
            Cipher cipher = Cipher.getInstance(transformation);
            cipher.init(mode, new SecretKeySpec(key, "AES"), parameters);
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(transformation + " is missing from the JDK", e);
        }
    }
}
