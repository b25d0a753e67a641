package io.punchline.quic;

import tech.kwik.core.frame.DatagramFrame;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A QUIC DATAGRAM frame (RFC 9221 section 4) that goes on the wire once: "DATAGRAM frames are not retransmitted upon
 * loss detection" (section 5.2).
 *
 * <p>Why: when a probe timeout fires, kwik 0.10.8 sends the frames of the oldest unacknowledged packet again as the
 * probe's content (RFC 9002 section 6.2.4 allows it for data that would be retransmitted anyway), DATAGRAM frames
 * included, so a relay hop delivered one tunnelled datagram two or three times whenever an ACK came late (seen on a
 * loaded machine: a payload arrived again after the next one had been sent). A tunnelled QUIC connection drops such
 * copies, but they cost the hop's bandwidth and a plain UDP flow would see them. Written again, this frame becomes a
 * PING frame padded to the same length: the probe keeps its size and still elicits the ACK it is for.
 */
public final class UnrepeatedDatagramFrame extends DatagramFrame {

    private static final byte PING = 0x01;
    private static final byte PADDING = 0x00;
    private final AtomicBoolean written = new AtomicBoolean();

    public UnrepeatedDatagramFrame(byte[] data) {
        super(data);
    }

    @Override
    public void serialize(ByteBuffer buffer) {
        if (written.compareAndSet(false, true)) {
            super.serialize(buffer);
            return;
        }
        int length = getFrameLength();
        buffer.put(PING);
        for (int i = 1; i < length; i++) {
            buffer.put(PADDING);
        }
    }
}
