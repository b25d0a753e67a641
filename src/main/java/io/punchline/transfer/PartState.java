package io.punchline.transfer;

import io.punchline.wire.QuicVarint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Punchline partial-file state, version 1: the hidden sidecar {@code .NAME.part.state} beside a {@code NAME.part},
 * written (to a temporary file, fsynced, moved into place) only after the part's bytes up to Verified Offset are
 * fsynced. It lets a later offer of the same file (same path, same SHA-256) resume without rereading the part:
 *
 * <pre>
 * Part State {
 *   Magic (32) = "PLPS",
 *   Version (i) = 1,
 *   Expected SHA-256 (256),
 *   Size (i),                   // the file's size in the manifest
 *   Verified Offset (i),        // &lt;= Size
 *   Digest State Length (i),    // &lt;= 512
 *   Digest State (..),          // BouncyCastle SHA256Digest.getEncodedState() after Verified Offset bytes
 * }
 * </pre>
 */
public record PartState(byte[] expectedSha256, long size, long verifiedOffset, byte[] digestState) {

    public static final int MAX_DIGEST_STATE = 512;
    private static final byte[] MAGIC = "PLPS".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    public PartState {
        expectedSha256 = expectedSha256.clone();
        digestState = digestState.clone();
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(4 + 1 + 32 + 8 + 8 + 2 + digestState.length);
        out.put(MAGIC);
        QuicVarint.encode(VERSION, out);
        out.put(expectedSha256);
        QuicVarint.encode(size, out);
        QuicVarint.encode(verifiedOffset, out);
        QuicVarint.encode(digestState.length, out);
        out.put(digestState);
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
        reader.end("part state");
        return new PartState(sha, size, offset, state);
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
                && verifiedOffset == p.verifiedOffset && Arrays.equals(digestState, p.digestState);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(expectedSha256) * 31 + Long.hashCode(verifiedOffset);
    }
}
