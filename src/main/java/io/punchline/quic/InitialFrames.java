package io.punchline.quic;

import io.punchline.wire.QuicVarint;
import io.punchline.wire.WireFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The frames of a decrypted Initial packet payload (RFC 9000 section 12.4; formats in sections 19.1 PADDING, 19.2 PING,
 * 19.3 ACK and 19.6 CRYPTO). Parsing stops cleanly at the first frame of any other type: {@code frames} holds what
 * came before it and {@code firstUnparsedFrameType} names it.
 */
public record InitialFrames(List<InitialFrame> frames, OptionalLong firstUnparsedFrameType) {

    private static final long PADDING = 0x00;
    private static final long PING = 0x01;
    private static final long ACK = 0x02;
    private static final long ACK_ECN = 0x03;
    private static final long CRYPTO = 0x06;

    public InitialFrames {
        frames = List.copyOf(frames);
    }

    /**
     * Parses a payload; {@link WireFormatException} when a PADDING, PING, ACK or CRYPTO frame is truncated or
     * inconsistent (an ACK range below packet number 0, a CRYPTO frame past 2^62-1).
     */
    public static InitialFrames parse(byte[] payload) throws WireFormatException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        List<InitialFrame> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            long type = QuicVarint.decode(in);
            if (type == PADDING) {
                while (in.hasRemaining() && in.get(in.position()) == 0) {
                    in.get();
                }
                frames.add(new InitialFrame.Padding(in.position() - start));
            } else if (type == PING) {
                frames.add(new InitialFrame.Ping());
            } else if (type == ACK || type == ACK_ECN) {
                frames.add(readAck(in, type == ACK_ECN));
            } else if (type == CRYPTO) {
                frames.add(readCrypto(in));
            } else {
                return new InitialFrames(frames, OptionalLong.of(type));
            }
        }
        return new InitialFrames(frames, OptionalLong.empty());
    }

    /**
     * RFC 9000 section 19.3.1: each range's smallest number is {@code largest - length}; the next range's largest is
     * {@code smallest - gap - 2}.
     */
    private static InitialFrame.Ack readAck(ByteBuffer in, boolean withEcn) throws WireFormatException {
        long largest = QuicVarint.decode(in);
        long delay = QuicVarint.decode(in);
        long rangeCount = QuicVarint.decode(in);
        long firstRange = QuicVarint.decode(in);
        long smallest = largest - firstRange;
        if (smallest < 0) {
            throw new WireFormatException("ACK first range " + firstRange + " goes below packet number 0 from " + largest);
        }
        List<InitialFrame.AckRange> ranges = new ArrayList<>();
        ranges.add(new InitialFrame.AckRange(smallest, largest));
        // every further range takes at least two bytes, so a huge count ends at the end of the buffer
        for (long i = 0; i < rangeCount; i++) {
            long gap = QuicVarint.decode(in);
            long length = QuicVarint.decode(in);
            long rangeLargest = smallest - gap - 2;
            long rangeSmallest = rangeLargest - length;
            if (rangeLargest < 0 || rangeSmallest < 0) {
                throw new WireFormatException("ACK range " + (i + 1) + " goes below packet number 0");
            }
            ranges.add(new InitialFrame.AckRange(rangeSmallest, rangeLargest));
            smallest = rangeSmallest;
        }
        Optional<InitialFrame.EcnCounts> ecn = Optional.empty();
        if (withEcn) {
            ecn = Optional.of(new InitialFrame.EcnCounts(QuicVarint.decode(in), QuicVarint.decode(in),
                    QuicVarint.decode(in)));
        }
        return new InitialFrame.Ack(largest, delay, ranges, ecn);
    }

    private static InitialFrame.Crypto readCrypto(ByteBuffer in) throws WireFormatException {
        long offset = QuicVarint.decode(in);
        long length = QuicVarint.decode(in);
        if (length > in.remaining()) {
            throw new WireFormatException("CRYPTO frame announces " + length + " bytes, " + in.remaining() + " left");
        }
        if (offset + length > QuicVarint.MAX_VALUE) {
            throw new WireFormatException("CRYPTO frame ends past 2^62-1: offset " + offset + ", length " + length);
        }
        byte[] data = new byte[(int) length];
        in.get(data);
        return new InitialFrame.Crypto(offset, data);
    }

    /**
     * The CRYPTO stream bytes these frames hold contiguously from offset 0 (frames may come in any order and overlap;
     * the first copy of a byte wins). Empty when no frame starts at offset 0.
     */
    public byte[] cryptoStreamPrefix() {
        List<InitialFrame.Crypto> crypto = new ArrayList<>();
        for (InitialFrame frame : frames) {
            if (frame instanceof InitialFrame.Crypto c) {
                crypto.add(c);
            }
        }
        crypto.sort(Comparator.comparingLong(InitialFrame.Crypto::offset));
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        for (InitialFrame.Crypto frame : crypto) {
            long have = prefix.size();
            if (frame.offset() > have) {
                break;
            }
            if (frame.end() > have) {
                byte[] data = frame.data();
                int skip = (int) (have - frame.offset());
                prefix.write(data, skip, data.length - skip);
            }
        }
        return prefix.toByteArray();
    }
}
