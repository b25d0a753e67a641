package io.punchline.crypto;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a completed {@link PeerHandshake} yields: the authenticated peer and the session secret from which every
 * stream key, the path-probe MAC key and exported keys are derived. Only the handshake creates one, so no secure
 * stream exists before the post-quantum handshake has completed. {@link #toString()} shows no key material.
 */
public final class SessionSecrets {

    /**
     * Records sealed under one key before it is ratcheted: 2^20 records of at most 16 KiB (16 GiB) is far below
     * AES-GCM's confidentiality limit of 2^24.5 full records (RFC 8446 section 5.5), and ratcheting erases old keys
     * so a long stream has forward secrecy within itself.
     */
    public static final long RECORDS_PER_KEY = 1L << 20;

    private final Role role;
    private final byte[] sessionSecret;
    private final byte[] transcriptHash;
    private final PeerId peer;
    private final byte[] peerPublicKey;
    private final Set<Long> usedStreamDirections = ConcurrentHashMap.newKeySet();
    private volatile boolean destroyed;

    SessionSecrets(Role role, byte[] sessionSecret, byte[] transcriptHash, PeerId peer, byte[] peerPublicKey) {
        this.role = role;
        this.sessionSecret = sessionSecret;
        this.transcriptHash = transcriptHash;
        this.peer = peer;
        this.peerPublicKey = peerPublicKey.clone();
    }

    public Role role() {
        return role;
    }

    /** The authenticated peer. */
    public PeerId peer() {
        return peer;
    }

    public byte[] peerPublicKey() {
        return peerPublicKey.clone();
    }

    /** SHA-256 of the whole handshake transcript; identical on both sides, public (not a key). */
    public byte[] transcriptHash() {
        return transcriptHash.clone();
    }

    /** Wraps the sending half of QUIC stream {@code streamId}; each stream and direction can be opened once. */
    public SecureOutputStream secureOutput(long streamId, OutputStream raw) {
        return secureOutput(streamId, raw, RECORDS_PER_KEY);
    }

    /** Wraps the receiving half of QUIC stream {@code streamId}. */
    public SecureInputStream secureInput(long streamId, InputStream raw) {
        return secureInput(streamId, raw, RECORDS_PER_KEY);
    }

    SecureOutputStream secureOutput(long streamId, OutputStream raw, long recordsPerKey) {
        Role.Direction direction = role.sending();
        claim(streamId, direction);
        return new SecureOutputStream(raw, streamKey(streamId, direction), streamIv(streamId, direction),
                recordsPerKey);
    }

    SecureInputStream secureInput(long streamId, InputStream raw, long recordsPerKey) {
        Role.Direction direction = role.receiving();
        claim(streamId, direction);
        return new SecureInputStream(raw, streamKey(streamId, direction), streamIv(streamId, direction), recordsPerKey);
    }

    /** The 32-byte key both sides use to MAC UDP path probes: {@code HKDF-Expand(S, "punchline/1 path probe", "")}. */
    public byte[] probeMacKey() {
        return KeySchedule.expand(secret(), KeySchedule.PATH_PROBE, new byte[0], 32);
    }

    /** An exported key for another component: {@code HKDF-Expand(S, "punchline/1 export " + label, "", length)}. */
    public byte[] deriveKey(String label, int length) {
        if (label.isEmpty() || !label.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("label must be printable ASCII without spaces");
        }
        if (length < 1 || length > 255 * 32) {
            throw new IllegalArgumentException("length must be 1.." + 255 * 32);
        }
        return KeySchedule.expand(secret(), KeySchedule.EXPORT_PREFIX + label, new byte[0], length);
    }

    /** The session secret itself, for test vectors only. */
    byte[] sessionSecret() {
        return secret().clone();
    }

    /** Erases the session secret; streams already open keep their own keys. */
    public void destroy() {
        destroyed = true;
        Arrays.fill(sessionSecret, (byte) 0);
    }

    byte[] streamKey(long streamId, Role.Direction direction) {
        return KeySchedule.expand(secret(), KeySchedule.STREAM_KEY, streamContext(streamId, direction),
                RecordCipher.KEY_LENGTH);
    }

    byte[] streamIv(long streamId, Role.Direction direction) {
        return KeySchedule.expand(secret(), KeySchedule.STREAM_IV, streamContext(streamId, direction),
                RecordCipher.IV_LENGTH);
    }

    private void claim(long streamId, Role.Direction direction) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream IDs are non-negative");
        }
        // Opening the same stream direction twice would reuse nonces under one key.
        if (!usedStreamDirections.add(streamId * 2 + direction.code)) {
            throw new IllegalStateException("stream " + streamId + " " + direction + " is already open");
        }
    }

    private static byte[] streamContext(long streamId, Role.Direction direction) {
        return ByteBuffer.allocate(9).putLong(streamId).put((byte) direction.code).array();
    }

    private byte[] secret() {
        if (destroyed) {
            throw new IllegalStateException("session secrets were destroyed");
        }
        return sessionSecret;
    }

    @Override
    public String toString() {
        return "SessionSecrets[" + role + ", peer " + peer.fingerprint() + "]";
    }
}
