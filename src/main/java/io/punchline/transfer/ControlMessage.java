package io.punchline.transfer;

import java.util.List;

/** The messages of a transfer's control stream ({@link StreamKind#OFFER}); {@link ControlCodec} has their format. */
public sealed interface ControlMessage {

    /** Sender to receiver, first message: the transfer id and the manifest. */
    record Offer(TransferId id, Manifest manifest) implements ControlMessage {
    }

    /** Receiver to sender: the files it wants, each from an offset (what it already holds verified). */
    record Answer(List<Request> requests) implements ControlMessage {
        public Answer {
            requests = List.copyOf(requests);
        }
    }

    /** One wanted file: its manifest index and the offset to send from. */
    record Request(int index, long offset) {
    }

    /** Receiver to sender: nothing is wanted. Final. */
    record Decline() implements ControlMessage {
    }

    /** Receiver to sender: a file arrived, matched its SHA-256 and has its final name. */
    record FileDone(int index) implements ControlMessage {
    }

    /** Receiver to sender: every selected entry is in place. Final. */
    record Complete(int files, long bytes) implements ControlMessage {
    }

    /** Either side: the transfer ends now, with a reason and a message for the person on the other side. Final. */
    record Abort(Reason reason, String message) implements ControlMessage {
        public enum Reason { CANCELLED, FAILED, PROTOCOL }
    }
}
