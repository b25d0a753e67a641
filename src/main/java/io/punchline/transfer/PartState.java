package io.punchline.transfer;

import io.punchline.wire.QuicVarint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Punchline partial-file state, version 2: one file in the receiver's data folder ({@link ResumeStore}), never in the
 * target folder, naming the {@code .part} it describes. Written (to a temporary file, fsynced, moved into place) only
 * after the part's bytes up to Verified Offset are fsynced. It lets a later offer of the same file (same sending peer,
 * same target folder, same path, same SHA-256 and size) resume; the part's first Verified Offset bytes are hashed
 * again and compared with Digest State before they are trusted.
 *
 * <pre>
 * Part State {
 *   Magic (32) = "PLPS",
 *   Version (i) = 2,
 *   Expected SHA-256 (256),
 *   Size (i),                   // the file's size in the manifest
 *   Verified Offset (i),        // &lt;= Size
 *   Digest State Length (i),    // &lt;= 512
 *   Digest State (..),          // BouncyCastle SHA256Digest.getEncodedState() after Verified Offset bytes
 *   Part Name Length (i),       // 1..255
 *   Part Name (..),             // UTF-8, the part's file name beside the final name (no folder)
 * }
 * </pre>
 * Version 1 (a sidecar {@code .NAME.part.state} in the target folder) is no longer read: a peer could send such files.
 */
public record PartState(byte[] expectedSha256, long size, long verifiedOffset, byte[] digestState, String partName) {

    public static final int MAX_DIGEST_STATE = 512;
    public static final int MAX_PART_NAME = 255;
    private static final byte[] MAGIC = "PLPS".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;

    public PartState {
        expectedSha256 = expectedSha256.clone();
        digestState = digestState.clone();
    }

    public byte[] encode() {
        byte[] name = partName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + 1 + 32 + 8 + 8 + 2 + digestState.length + 2 + name.length);
        out.put(MAGIC);
        QuicVarint.encode(VERSION, out);
        out.put(expectedSha256);
        QuicVarint.encode(size, out);
        QuicVarint.encode(verifiedOffset, out);
        QuicVarint.encode(digestState.length, out);
        out.put(digestState);
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
        if (version != VERSION) {
            throw new TransferProtocolException("part state version " + version + " is not " + VERSION);
        }
        byte[] sha = reader.bytes("expected SHA-256", 32);
        long size = reader.varint("size", ControlCodec.MAX_TOTAL_BYTES);
        long offset = reader.varint("verified offset", size);
        byte[] state = reader.bytes("digest state", (int) reader.varint("digest state length", MAX_DIGEST_STATE));
        String name = reader.utf8("part name", MAX_PART_NAME);
        reader.end("part state");
        return new PartState(sha, size, offset, state, name);
    }

    @Override
    public byte[] expectedSha256() {
        return expectedSha256.clone();
    }

    @Override
    public byte[] digestState() {
        return digestState.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartState p && Arrays.equals(expectedSha256, p.expectedSha256) && size == p.size
                && verifiedOffset == p.verifiedOffset && Arrays.equals(digestState, p.digestState)
                && partName.equals(p.partName);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(expectedSha256) * 31 + Long.hashCode(verifiedOffset);
    }
}
