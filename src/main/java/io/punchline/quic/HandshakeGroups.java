package io.punchline.quic;

import io.punchline.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Which key-exchange group a TLS 1.3 handshake over QUIC v1 uses, read from the server's Initial packet by anyone on
 * the path (the Initial keys come from the client's Destination Connection ID, RFC 9001 section 5.2). The CRYPTO
 * stream of the server's Initials starts with its ServerHello (RFC 8446 section 4.1.3), whose key_share extension
 * (0x0033, section 4.2.8) names the group.
 *
 * <p>A ServerHello carrying a hybrid ML-KEM share is about 1,200 bytes (X25519MLKEM768's share alone is 1,120) and
 * usually continues in the server's second Initial. The group codepoint comes in the first bytes of the key_share
 * extension, so a prefix of the ServerHello is enough as long as the extensions before key_share are whole.
 *
 * <p>A HelloRetryRequest (a ServerHello with the special random of RFC 8446 section 4.1.3) names the group the client
 * must retry with in a 2-byte key_share; the final ServerHello must then use that same group (section 4.2.8), so it is
 * reported as the group too.
 */
public final class HandshakeGroups {

    /** RFC 8446 section 4: HandshakeType server_hello. */
    public static final int SERVER_HELLO = 2;
    /** RFC 8446 section 4.2: ExtensionType key_share. */
    public static final int KEY_SHARE = 0x0033;

    private static final byte[] HELLO_RETRY_REQUEST_RANDOM = sha256("HelloRetryRequest");
    private static final int RANDOM_LENGTH = 32;

    private HandshakeGroups() {
    }

    /**
     * The group of the server's first Initial in {@code datagram}, decrypted with the Initial keys of the client's
     * {@code originalDestinationConnectionId}. Empty for anything that is not such a packet whose CRYPTO data at offset
     * 0 holds enough of a ServerHello: never throws, whatever the bytes.
     */
    public static Optional<TlsGroup> fromServerInitial(byte[] originalDestinationConnectionId, byte[] datagram) {
        if (originalDestinationConnectionId == null || datagram == null) {
            return Optional.empty();
        }
        try {
            InitialPacket packet = InitialPackets.openServerInitial(originalDestinationConnectionId, datagram);
            return Optional.of(serverHelloGroup(packet.payload().cryptoStreamPrefix()));
        } catch (WireFormatException notAServerHello) {
            return Optional.empty();
        }
    }

    /**
     * The group a ServerHello (or HelloRetryRequest) selects. {@code handshakeData} is the start of the server's
     * Initial CRYPTO stream: a handshake message of type 2, possibly cut after the key_share group. Throws
     * {@link WireFormatException} when it is not a ServerHello, is cut before the group, or has no key_share (a
     * PSK-only resumption).
     */
    public static TlsGroup serverHelloGroup(byte[] handshakeData) throws WireFormatException {
        ByteBuffer in = ByteBuffer.wrap(handshakeData);
        int type = readUnsigned(in, 1, "handshake type");
        if (type != SERVER_HELLO) {
            throw new WireFormatException("handshake message of type " + type + ", not a ServerHello (2)");
        }
        int messageLength = readUnsigned(in, 3, "handshake length");
        // the bytes given may stop before the message does; reads past either end fail as truncated
        in.limit(Math.min(in.limit(), in.position() + messageLength));
        int legacyVersion = readUnsigned(in, 2, "legacy_version");
        if (legacyVersion != 0x0303) {
            throw new WireFormatException(String.format("ServerHello legacy_version 0x%04x, not 0x0303", legacyVersion));
        }
        byte[] random = readBytes(in, RANDOM_LENGTH, "random");
        boolean helloRetryRequest = Arrays.equals(random, HELLO_RETRY_REQUEST_RANDOM);
        int sessionIdLength = readUnsigned(in, 1, "legacy_session_id_echo length");
        if (sessionIdLength > 32) {
            throw new WireFormatException("legacy_session_id_echo of " + sessionIdLength + " bytes, at most 32");
        }
        readBytes(in, sessionIdLength, "legacy_session_id_echo");
        readUnsigned(in, 2, "cipher_suite");
        int compression = readUnsigned(in, 1, "legacy_compression_method");
        if (compression != 0) {
            throw new WireFormatException("ServerHello legacy_compression_method " + compression + ", not 0");
        }
        int extensionsLength = readUnsigned(in, 2, "extensions length");
        int extensionsEnd = in.position() + extensionsLength;
        if (extensionsEnd > 4 + messageLength) {
            throw new WireFormatException("ServerHello extensions run " + (extensionsEnd - 4 - messageLength)
                    + " bytes past the message");
        }
        in.limit(Math.min(in.limit(), extensionsEnd));
        while (true) {
            if (in.position() == extensionsEnd) {
                throw new WireFormatException("ServerHello has no key_share extension (PSK-only handshake)");
            }
            int extensionType = readUnsigned(in, 2, "extension type");
            int extensionLength = readUnsigned(in, 2, "extension length");
            if (in.position() + extensionLength > extensionsEnd) {
                throw new WireFormatException("extension 0x" + Integer.toHexString(extensionType)
                        + " runs past the ServerHello extensions");
            }
            if (extensionType == KEY_SHARE) {
                return keyShareGroup(in, extensionLength, helloRetryRequest);
            }
            readBytes(in, extensionLength, "extension 0x" + Integer.toHexString(extensionType));
        }
    }

    /**
     * RFC 8446 section 4.2.8: a ServerHello's key_share is a KeyShareEntry {@code (group, opaque key_exchange<1..2^16-1>)};
     * a HelloRetryRequest's is just the 2-byte selected_group.
     */
    private static TlsGroup keyShareGroup(ByteBuffer in, int extensionLength, boolean helloRetryRequest)
            throws WireFormatException {
        if (helloRetryRequest && extensionLength != 2) {
            throw new WireFormatException("HelloRetryRequest key_share of " + extensionLength + " bytes, not 2");
        }
        if (!helloRetryRequest && extensionLength < 2 + 2 + 1) {
            throw new WireFormatException("ServerHello key_share of " + extensionLength + " bytes holds no key");
        }
        TlsGroup group = TlsGroup.of(readUnsigned(in, 2, "key_share group"));
        if (!helloRetryRequest && in.remaining() >= 2) {
            int keyLength = readUnsigned(in, 2, "key_exchange length");
            if (keyLength == 0 || 2 + 2 + keyLength != extensionLength) {
                throw new WireFormatException("ServerHello key_share of " + extensionLength
                        + " bytes announces a key of " + keyLength);
            }
        }
        return group;
    }

    private static int readUnsigned(ByteBuffer in, int length, String what) throws WireFormatException {
        if (in.remaining() < length) {
            throw new WireFormatException("ServerHello cut inside its " + what);
        }
        int value = 0;
        for (int i = 0; i < length; i++) {
            value = (value << 8) | (in.get() & 0xFF);
        }
        return value;
    }

    private static byte[] readBytes(ByteBuffer in, int length, String what) throws WireFormatException {
        if (in.remaining() < length) {
            throw new WireFormatException("ServerHello cut inside its " + what);
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
