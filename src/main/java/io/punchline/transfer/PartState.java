package io.punchline.transfer;

import io.punchline.wire.QuicVarint;
import org.bouncycastle.crypto.digests.SHA256Digest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Punchline partial-file state, version 3: one file in the receiver's data folder ({@link ResumeStore}), never in the
 * target folder, naming the {@code .part} it describes. Written (to a temporary file, fsynced, moved into place) only
 * after the part's bytes up to Verified Offset are fsynced. It lets a later offer of the same file (same sending peer,
 * same target folder, same path, same SHA-256 and size) resume; the part's first Verified Offset bytes are hashed
 * again and compared with Prefix SHA-256 before they are trusted.
 *
 * <pre>
 * Part State {
 *   Magic (32) = "PLPS",
 *   Version (i) = 3,
 *   Expected SHA-256 (256),
 *   Size (i),                   // the file's size in the manifest
 *   Verified Offset (i),        // &lt;= Size
 *   Prefix SHA-256 (256),       // SHA-256 of the part's first Verified Offset bytes
 *   Part Name Length (i),       // 1..255
 *   Part Name (..),             // UTF-8, the part's file name beside the final name (no folder)
 * }
 * </pre>
 * Version 2 (written before 2026-12-04) had, in place of Prefix SHA-256, a length and BouncyCastle's
 * {@code SHA256Digest.getEncodedState()} after Verified Offset bytes (at most 512 bytes); it is still read, the prefix
 * hash computed from that state, so parts kept by an earlier version resume. The receiver now hashes with the JDK's
 * SHA-256, which runs on the CPU's SHA instructions and has no portable state. Version 1 (a sidecar
 * {@code .NAME.part.state} in the target folder) is no longer read: a peer could send such files.
 */
public record PartState(byte[] expectedSha256, long size, long verifiedOffset, byte[] prefixSha256, String partName) {

    public static final int MAX_DIGEST_STATE = 512;
    public static final int MAX_PART_NAME = 255;
    private static final byte[] MAGIC = "PLPS".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 3;
    private static final int VERSION_WITH_DIGEST_STATE = 2;

    public PartState {
        expectedSha256 = expectedSha256.clone();
        if (prefixSha256.length != 32) {
            throw new IllegalArgumentException("a prefix SHA-256 has 32 bytes, not " + prefixSha256.length);
        }
        prefixSha256 = prefixSha256.clone();
    }

    public byte[] encode() {
        byte[] name = partName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + 1 + 32 + 8 + 8 + 32 + 2 + name.length);
        out.put(MAGIC);
        QuicVarint.encode(VERSION, out);
        out.put(expectedSha256);
        QuicVarint.encode(size, out);
        QuicVarint.encode(verifiedOffset, out);
        out.put(prefixSha256);
        QuicVarint.encode(name.length, out);
        out.put(name);
        return Arrays.copyOf(out.array(), out.position());
    }

    public static PartState decode(ByteBuffer in) throws TransferProtocolException {
        BodyReader reader = new BodyReader(in);
        if (!Arrays.equals(reader.bytes("magic", 4), MAGIC)) {
            throw new TransferProtocolException("not a part state file");
        }
        long version = reader.varint("version", QuicVarint.MAX_VALUE);
        if (version != VERSION && version != VERSION_WITH_DIGEST_STATE) {
            throw new TransferProtocolException("part state version " + version + " is not " + VERSION);
        }
        byte[] sha = reader.bytes("expected SHA-256", 32);
        long size = reader.varint("size", ControlCodec.MAX_TOTAL_BYTES);
        long offset = reader.varint("verified offset", size);
        byte[] prefix = version == VERSION ? reader.bytes("prefix SHA-256", 32)
                : prefixOf(reader.bytes("digest state", (int) reader.varint("digest state length", MAX_DIGEST_STATE)));
        String name = reader.utf8("part name", MAX_PART_NAME);
        reader.end("part state");
        return new PartState(sha, size, offset, prefix, name);
    }

    /** The hash a version 2 state's saved BouncyCastle digest finishes with. */
    private static byte[] prefixOf(byte[] encodedState) throws TransferProtocolException {
        SHA256Digest digest;
        try {
            digest = new SHA256Digest(encodedState);
        } catch (RuntimeException e) {
            throw new TransferProtocolException("digest state is not a SHA-256 state: " + e.getMessage());
        }
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    @Override
    public byte[] expectedSha256() {
        return expectedSha256.clone();
    }

    @Override
    public byte[] prefixSha256() {
        return prefixSha256.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartState p && Arrays.equals(expectedSha256, p.expectedSha256) && size == p.size
                && verifiedOffset == p.verifiedOffset && Arrays.equals(prefixSha256, p.prefixSha256)
                && partName.equals(p.partName);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(expectedSha256) * 31 + Long.hashCode(verifiedOffset);
    }
}
