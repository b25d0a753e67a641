package io.punchline.transfer;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict reads for this package's codecs: every length is checked against a bound and the remaining bytes first. */
final class BodyReader {

    private final ByteBuffer in;

    BodyReader(ByteBuffer in) {
        this.in = in;
    }

    long varint(String field, long max) throws TransferProtocolException {
        long value;
        try {
            value = QuicVarint.decode(in);
        } catch (WireFormatException e) {
            throw new TransferProtocolException(field + ": " + e.getMessage());
        }
        if (value > max) {
            throw new TransferProtocolException(field + " " + value + " is above the limit " + max);
        }
        return value;
    }

    byte[] bytes(String field, int length) throws TransferProtocolException {
        if (in.remaining() < length) {
            throw new TransferProtocolException(field + ": needs " + length + " bytes, " + in.remaining() + " left");
        }
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }

    String utf8(String field, int maxBytes) throws TransferProtocolException {
        int length = (int) varint(field + " length", maxBytes);
        byte[] raw = bytes(field, length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new TransferProtocolException(field + " is not valid UTF-8");
        }
    }

    void end(String what) throws TransferProtocolException {
        if (in.hasRemaining()) {
            throw new TransferProtocolException(what + " has " + in.remaining() + " trailing bytes");
        }
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
