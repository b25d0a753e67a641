package io.punchline.engine;

import io.punchline.session.PeerSession;
import io.punchline.session.SecureStream;
import io.punchline.transfer.StreamKind;
import io.punchline.transfer.Transfers;

import java.io.IOException;

/** Where the streams a peer opens go: by the kind byte each starts with. */
final class IncomingStreams {

    private IncomingStreams() {
    }

    /**
     * Reads the kind byte that starts every application stream and hands the stream to its reader: the test stream,
     * or a transfer's OFFER and FILE streams; any other kind is reset.
     */
    static void route(Engine engine, Transfers transfers, EventBus events, PeerSession session, SecureStream stream) {
        try {
            int kind = stream.input().read();
            if (kind == TestStream.KIND) {
                TestStream.receiveBody(engine, session, stream);
            } else if (kind == StreamKind.OFFER || kind == StreamKind.FILE) {
                transfers.onStream(session, kind, stream);
            } else {
                stream.abort();
            }
        } catch (IOException e) {
            events.publish(new EngineEvent.Error("stream from " + session.peer().shortFingerprint() + " failed: "
                    + e.getMessage()));
            stream.abort();
        }
    }
}
