package io.punchline.transfer;

import io.punchline.transfer.ControlMessage.Abort;
import io.punchline.transfer.ControlMessage.Answer;
import io.punchline.transfer.ControlMessage.Complete;
import io.punchline.transfer.ControlMessage.Decline;
import io.punchline.transfer.ControlMessage.FileDone;
import io.punchline.transfer.ControlMessage.Offer;
import io.punchline.transfer.ControlMessage.Request;
import io.punchline.wire.QuicVarint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Punchline transfer control stream, version 1 (docs/ARCHITECTURE.md, "File transfer"). Binary with QUIC varints
 * (RFC 9000 section 16): the project's one integer codec, and every bound is checked before anything is allocated.
 * The stream (kind {@link StreamKind#OFFER}) carries a sequence of messages:
 *
 * <pre>
 * Control Message {
 *   Type (i),
 *   Length (i),                     // of Body, at most MAX_MESSAGE (16 MiB)
 *   Body (..),
 * }
 * OFFER (0x01)     { Transfer ID (128), Entry Count (i) (&lt;= 100 000), Entry (..) ... }
 * Entry            { Kind (i) (0 file, 1 directory), Path Length (i) (&lt;= 4096), Path (..) (UTF-8),
 *                    Size (i) (0 for a directory), Mode (i) (&lt;= 0777), [SHA-256 (256)] (files only) }
 * ANSWER (0x02)    { Request Count (i), Request { Entry Index (i), Offset (i) } ... }
 * DECLINE (0x03)   { }
 * FILE_DONE (0x04) { Entry Index (i) }
 * COMPLETE (0x05)  { Files (i), Bytes (i) }
 * ABORT (0x06)     { Reason (i) (0 cancelled, 1 failed, 2 protocol error), Message Length (i) (&lt;= 1024), Message (..) }
 * </pre>
 *
 * Sender to receiver: OFFER, then maybe ABORT. Receiver to sender: ANSWER then FILE_DONE per file then COMPLETE, or
 * DECLINE, or ABORT. An unknown type, a trailing byte or a value above its bound is an error: the stream is ours alone,
 * so nothing needs to be skipped. A decoded OFFER has also passed {@link SafeNames#check}: a bad manifest is refused
 * as a whole.
 */
public final class ControlCodec {

    public static final int MAX_MESSAGE = 16 * 1024 * 1024;
    public static final int MAX_ENTRIES = 100_000;
    public static final int MAX_PATH_BYTES = 4096;
    public static final long MAX_TOTAL_BYTES = 1L << 50;
    public static final int MAX_MODE = 0777;
    public static final int MAX_ABORT_MESSAGE = 1024;

    static final int OFFER = 0x01;
    static final int ANSWER = 0x02;
    static final int DECLINE = 0x03;
    static final int FILE_DONE = 0x04;
    static final int COMPLETE = 0x05;
    static final int ABORT = 0x06;

    private ControlCodec() {
    }

    /** The encoded message, type and length included. */
    public static byte[] encode(ControlMessage message) {
        ByteBuffer body = ByteBuffer.allocate(bodyLength(message));
        int type;
        if (message instanceof Offer offer) {
            body.put(offer.id().bytes());
            QuicVarint.encode(offer.manifest().entries().size(), body);
            for (ManifestEntry entry : offer.manifest().entries()) {
                byte[] path = entry.path().getBytes(StandardCharsets.UTF_8);
                QuicVarint.encode(entry.kind().code(), body);
                QuicVarint.encode(path.length, body);
                body.put(path);
                QuicVarint.encode(entry.size(), body);
                QuicVarint.encode(entry.mode(), body);
                if (entry.isFile()) {
                    body.put(entry.sha256());
                }
            }
            type = OFFER;
        } else if (message instanceof Answer answer) {
            QuicVarint.encode(answer.requests().size(), body);
            for (Request request : answer.requests()) {
                QuicVarint.encode(request.index(), body);
                QuicVarint.encode(request.offset(), body);
            }
            type = ANSWER;
        } else if (message instanceof Decline) {
            type = DECLINE;
        } else if (message instanceof FileDone done) {
            QuicVarint.encode(done.index(), body);
            type = FILE_DONE;
        } else if (message instanceof Complete complete) {
            QuicVarint.encode(complete.files(), body);
            QuicVarint.encode(complete.bytes(), body);
            type = COMPLETE;
        } else {
            Abort abort = (Abort) message;
            byte[] text = abortText(abort);
            QuicVarint.encode(abort.reason().ordinal(), body);
            QuicVarint.encode(text.length, body);
            body.put(text);
            type = ABORT;
        }
        ByteBuffer out = ByteBuffer.allocate(QuicVarint.encodedLength(type) + QuicVarint.encodedLength(body.position()) + body.position());
        QuicVarint.encode(type, out);
        QuicVarint.encode(body.position(), out);
        out.put(body.array(), 0, body.position());
        return out.array();
    }

    private static int bodyLength(ControlMessage message) {
        if (message instanceof Offer offer) {
            long n = TransferId.LENGTH + QuicVarint.encodedLength(offer.manifest().entries().size());
            for (ManifestEntry e : offer.manifest().entries()) {
                int path = BodyReader.utf8Length(e.path());
                n += QuicVarint.encodedLength(e.kind().code()) + QuicVarint.encodedLength(path) + path
                        + QuicVarint.encodedLength(e.size()) + QuicVarint.encodedLength(e.mode()) + (e.isFile() ? 32 : 0);
            }
            if (n > MAX_MESSAGE) {
                throw new IllegalArgumentException("the manifest needs " + n + " bytes, above the limit " + MAX_MESSAGE);
            }
            return (int) n;
        } else if (message instanceof Answer answer) {
            return QuicVarint.encodedLength(answer.requests().size()) + answer.requests().stream()
                    .mapToInt(r -> QuicVarint.encodedLength(r.index()) + QuicVarint.encodedLength(r.offset())).sum();
        } else if (message instanceof Decline) {
            return 0;
        } else if (message instanceof FileDone done) {
            return QuicVarint.encodedLength(done.index());
        } else if (message instanceof Complete complete) {
            return QuicVarint.encodedLength(complete.files()) + QuicVarint.encodedLength(complete.bytes());
        }
        int text = abortText((Abort) message).length;
        return 1 + QuicVarint.encodedLength(text) + text;
    }

    private static byte[] abortText(Abort abort) {
        byte[] text = abort.message().getBytes(StandardCharsets.UTF_8);
        if (text.length <= MAX_ABORT_MESSAGE) {
            return text;
        }
        String cut = abort.message();
        while (BodyReader.utf8Length(cut) > MAX_ABORT_MESSAGE - 3) {
            cut = cut.substring(0, cut.offsetByCodePoints(0, cut.codePointCount(0, cut.length()) - 1));
        }
        return (cut + "...").getBytes(StandardCharsets.UTF_8);
    }

    /** Writes one message and flushes it. */
    public static void write(ControlMessage message, OutputStream out) throws IOException {
        out.write(encode(message));
        out.flush();
    }

    /**
     * Reads one message; null when the stream ends cleanly before it. The body is read only after its length passed
     * the bound, and grows as bytes arrive ({@code readNBytes}), so a false length costs no memory.
     */
    public static ControlMessage read(InputStream in) throws IOException, TransferProtocolException {
        long type = QuicVarint.readFrom(in);
        if (type < 0) {
            return null;
        }
        long length = QuicVarint.readFrom(in);
        if (length < 0) {
            throw new EOFException("control stream ended inside a message header");
        }
        if (length > MAX_MESSAGE) {
            throw new TransferProtocolException("message length " + length + " is above the limit " + MAX_MESSAGE);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("control stream ended inside a message");
        }
        return decodeBody(type, ByteBuffer.wrap(body));
    }

    /** Decodes exactly one whole message, type and length included. */
    public static ControlMessage decode(ByteBuffer in) throws TransferProtocolException {
        BodyReader header = new BodyReader(in);
        long type = header.varint("message type", QuicVarint.MAX_VALUE);
        long length = header.varint("message length", MAX_MESSAGE);
        if (in.remaining() != length) {
            throw new TransferProtocolException("message length " + length + " but " + in.remaining() + " bytes follow");
        }
        return decodeBody(type, in);
    }

    private static ControlMessage decodeBody(long type, ByteBuffer body) throws TransferProtocolException {
        BodyReader in = new BodyReader(body);
        ControlMessage message;
        if (type == OFFER) {
            message = decodeOffer(in);
        } else if (type == ANSWER) {
            int count = (int) in.varint("request count", MAX_ENTRIES);
            List<Request> requests = new ArrayList<>(Math.min(count, body.remaining() / 2));
            for (int i = 0; i < count; i++) {
                requests.add(new Request((int) in.varint("entry index", MAX_ENTRIES - 1), in.varint("offset", MAX_TOTAL_BYTES)));
            }
            message = new Answer(requests);
        } else if (type == DECLINE) {
            message = new Decline();
        } else if (type == FILE_DONE) {
            message = new FileDone((int) in.varint("entry index", MAX_ENTRIES - 1));
        } else if (type == COMPLETE) {
            message = new Complete((int) in.varint("file count", MAX_ENTRIES), in.varint("byte count", MAX_TOTAL_BYTES));
        } else if (type == ABORT) {
            Abort.Reason reason = Abort.Reason.values()[(int) in.varint("abort reason", Abort.Reason.values().length - 1)];
            message = new Abort(reason, in.utf8("abort message", MAX_ABORT_MESSAGE));
        } else {
            throw new TransferProtocolException("unknown control message type " + type);
        }
        in.end("message type " + type);
        return message;
    }

    private static Offer decodeOffer(BodyReader in) throws TransferProtocolException {
        TransferId id = new TransferId(in.bytes("transfer id", TransferId.LENGTH));
        int count = (int) in.varint("entry count", MAX_ENTRIES);
        List<ManifestEntry> entries = new ArrayList<>(Math.min(count, 1024));
        long total = 0;
        for (int i = 0; i < count; i++) {
            long code = in.varint("entry " + i + " kind", QuicVarint.MAX_VALUE);
            EntryKind kind = EntryKind.of(code);
            String path = in.utf8("entry " + i + " path", MAX_PATH_BYTES);
            if (kind == null) {
                throw new TransferProtocolException("entry " + i + " \"" + SafeNames.printable(path) + "\": unknown kind " + code
                        + " (only files and folders are transferred)");
            }
            long size = in.varint("entry " + i + " size", MAX_TOTAL_BYTES);
            int mode = (int) in.varint("entry " + i + " mode", MAX_MODE);
            if (kind == EntryKind.FILE) {
                total += size;
                if (total > MAX_TOTAL_BYTES) {
                    throw new TransferProtocolException("the manifest's total size is above the limit " + MAX_TOTAL_BYTES);
                }
                entries.add(ManifestEntry.file(path, size, mode, in.bytes("entry " + i + " SHA-256", 32)));
            } else {
                if (size != 0) {
                    throw new TransferProtocolException("entry " + i + " \"" + SafeNames.printable(path) + "\": a folder with size " + size);
                }
                entries.add(ManifestEntry.directory(path, mode));
            }
        }
        Manifest manifest = new Manifest(entries);
        SafeNames.check(manifest);
        return new Offer(id, manifest);
    }
}
