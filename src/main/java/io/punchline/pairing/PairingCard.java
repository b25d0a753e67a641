package io.punchline.pairing;

import io.punchline.crypto.PeerId;
import io.punchline.session.PeerContact;
import io.punchline.wire.PeerText;
import io.punchline.wire.WireFormatException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What each side of a pairing tells the other, sealed under the code's keys (docs/SECURITY.md section 7):
 * <pre>
 *   card = version(u8) = 1 || name_length(u8) || device_name (UTF-8, 1..64 bytes)
 *          || PeerId(32) || key_length(u16) = 1952 || ML-DSA-65 public key
 *          || contact_length(u16) || contact (ASCII, PeerContact.toString(), 1..600 bytes)
 * </pre>
 * The decoder checks that the PeerId is the public key's and the contact's, and that nothing follows.
 */
public record PairingCard(String deviceName, byte[] publicKey, PeerContact contact) {

    public static final int VERSION = 1;
    public static final int MAX_NAME_BYTES = 64;
    public static final int PUBLIC_KEY_LENGTH = 1952;
    public static final int MAX_CONTACT_BYTES = 600;
    public static final int MAX_ENCODED_LENGTH = 1 + 1 + MAX_NAME_BYTES + PeerId.LENGTH + 2 + PUBLIC_KEY_LENGTH + 2
            + MAX_CONTACT_BYTES;

    public PairingCard {
        deviceName = deviceName == null ? "" : deviceName.strip();
        int nameBytes = deviceName.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes < 1 || nameBytes > MAX_NAME_BYTES || deviceName.codePoints().anyMatch(PeerText::isUnsafe)) {
            throw new IllegalArgumentException("a device name has 1 to " + MAX_NAME_BYTES
                    + " bytes of UTF-8 and no control or format characters (such as bidi overrides)");
        }
        if (publicKey == null || publicKey.length != PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("an ML-DSA-65 public key has " + PUBLIC_KEY_LENGTH + " bytes");
        }
        publicKey = publicKey.clone();
        if (!contact.peer().equals(PeerId.of(publicKey))) {
            throw new IllegalArgumentException("the contact names another PeerId than the card's public key");
        }
    }

    public PeerId peer() {
        return PeerId.of(publicKey);
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public byte[] encode() {
        byte[] name = deviceName.getBytes(StandardCharsets.UTF_8);
        byte[] contactText = contact.toString().getBytes(StandardCharsets.US_ASCII);
        if (contactText.length > MAX_CONTACT_BYTES) {
            throw new IllegalArgumentException("contact longer than " + MAX_CONTACT_BYTES + " bytes");
        }
        return ByteBuffer.allocate(1 + 1 + name.length + PeerId.LENGTH + 2 + publicKey.length + 2 + contactText.length)
                .put((byte) VERSION).put((byte) name.length).put(name)
                .put(peer().bytes())
                .putShort((short) publicKey.length).put(publicKey)
                .putShort((short) contactText.length).put(contactText)
                .array();
    }

    /** Decodes exactly one card filling {@code encoded}; anything else is a {@link WireFormatException}. */
    public static PairingCard decode(byte[] encoded) throws WireFormatException {
        if (encoded.length > MAX_ENCODED_LENGTH) {
            throw new WireFormatException("card longer than " + MAX_ENCODED_LENGTH + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new WireFormatException("card version " + version + ", expected " + VERSION);
            }
            String name = utf8(take(in, in.get() & 0xff));
            byte[] peer = take(in, PeerId.LENGTH);
            int keyLength = in.getShort() & 0xffff;
            if (keyLength != PUBLIC_KEY_LENGTH) {
                throw new WireFormatException("card public key of " + keyLength + " bytes");
            }
            byte[] key = take(in, keyLength);
            int contactLength = in.getShort() & 0xffff;
            if (contactLength > MAX_CONTACT_BYTES) {
                throw new WireFormatException("card contact longer than " + MAX_CONTACT_BYTES + " bytes");
            }
            byte[] contactBytes = take(in, contactLength);
            if (in.hasRemaining()) {
                throw new WireFormatException(in.remaining() + " bytes after the card");
            }
            if (!PeerId.of(key).equals(new PeerId(peer))) {
                throw new WireFormatException("the card's PeerId is not its public key's");
            }
            for (byte b : contactBytes) {
                if (b < 0x21 || b > 0x7e) {
                    throw new WireFormatException("card contact is not printable ASCII");
                }
            }
            PeerContact contact = PeerContact.parse(new String(contactBytes, StandardCharsets.US_ASCII));
            return new PairingCard(name, key, contact);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("card truncated");
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("card: " + e.getMessage());
        }
    }

    private static byte[] take(ByteBuffer in, int length) {
        if (in.remaining() < length) {
            throw new BufferUnderflowException();
        }
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }

    private static String utf8(byte[] bytes) throws WireFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException("card device name is not UTF-8");
        }
    }

    @Override
    public String toString() {
        return "PairingCard[" + deviceName + ", " + peer().fingerprint() + ", " + contact + "]";
    }
}
