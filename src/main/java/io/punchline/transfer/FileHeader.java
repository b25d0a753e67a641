package io.punchline.transfer;

import io.punchline.wire.QuicVarint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Punchline transfer file stream header, version 1 (docs/ARCHITECTURE.md, "File transfer"). A file stream (kind
 * {@link StreamKind#FILE}) carries this header, then exactly the file's bytes from Offset to its end, then the secure
 * stream's END record:
 *
 * <pre>
 * File Header {
 *   Transfer ID (128),
 *   Entry Index (i),      // &lt; 100 000, a file the receiver asked for
 *   Offset (i),           // the offset the receiver asked for
 * }
 * </pre>
 */
public record FileHeader(TransferId id, int index, long offset) {

    public static final int MAX_LENGTH = TransferId.LENGTH + 8 + 8;

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(TransferId.LENGTH + QuicVarint.encodedLength(index) + QuicVarint.encodedLength(offset));
        out.put(id.bytes());
        QuicVarint.encode(index, out);
        QuicVarint.encode(offset, out);
        return out.array();
    }

    public static FileHeader decode(ByteBuffer in) throws TransferProtocolException {
        BodyReader reader = new BodyReader(in);
        FileHeader header = new FileHeader(new TransferId(reader.bytes("transfer id", TransferId.LENGTH)),
                (int) reader.varint("entry index", ControlCodec.MAX_ENTRIES - 1),
                reader.varint("offset", ControlCodec.MAX_TOTAL_BYTES));
        reader.end("file header");
        return header;
    }

    /** Reads a header from the start of a file stream. */
    public static FileHeader read(InputStream in) throws IOException, TransferProtocolException {
        byte[] id = in.readNBytes(TransferId.LENGTH);
        if (id.length < TransferId.LENGTH) {
            throw new EOFException("file stream ended inside its header");
        }
        long index = QuicVarint.readFrom(in);
        long offset = index < 0 ? -1 : QuicVarint.readFrom(in);
        if (offset < 0) {
            throw new EOFException("file stream ended inside its header");
        }
        if (index >= ControlCodec.MAX_ENTRIES || offset > ControlCodec.MAX_TOTAL_BYTES) {
            throw new TransferProtocolException("file header out of bounds: entry " + index + ", offset " + offset);
        }
        return new FileHeader(new TransferId(id), (int) index, offset);
    }
}
