package io.punchline.engine;

import io.punchline.engine.EngineEvent.CancelledBy;
import io.punchline.engine.EngineEvent.Direction;
import io.punchline.engine.EngineEvent.NetworkPath;
import io.punchline.transfer.TransferId;
import io.punchline.transfer.TransferUpdate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Turns the transfer layer's updates into engine events, remembering each transfer's peer until it ends. */
final class TransferEvents {

    private final EventBus events;
    private final Map<TransferId, String> transferPeers = new ConcurrentHashMap<>();

    TransferEvents(EventBus events) {
        this.events = events;
    }

    void onUpdate(TransferUpdate update) {
        String id = update.id().hex();
        if (update instanceof TransferUpdate.Offered offered) {
            transferPeers.put(update.id(), offered.peer().fingerprint());
        }
        String peer = transferPeers.getOrDefault(update.id(), "");
        EngineEvent event;
        if (update instanceof TransferUpdate.Offered o) {
            event = new EngineEvent.TransferOffered(peer, id,
                    o.direction() == io.punchline.transfer.Direction.SEND ? Direction.OUT : Direction.IN, o.files(), o.bytes());
        } else if (update instanceof TransferUpdate.Hashing h) {
            event = new EngineEvent.TransferHashing(peer, id, h.bytes(), h.total(), h.currentPath());
        } else if (update instanceof TransferUpdate.Progress p) {
            event = new EngineEvent.TransferProgress(peer, id, p.bytes(), p.total(), p.bytesPerSecond(), networkPath(p.networkPath()),
                    p.currentPath());
        } else if (update instanceof TransferUpdate.Finished f) {
            event = new EngineEvent.TransferFinished(peer, id, f.bytes(), f.millis(), "", f.files());
        } else if (update instanceof TransferUpdate.Declined) {
            event = new EngineEvent.TransferDeclined(peer, id);
        } else if (update instanceof TransferUpdate.Failed f) {
            event = new EngineEvent.TransferFailed(peer, id, f.message());
        } else if (update instanceof TransferUpdate.Cancelled c) {
            event = new EngineEvent.TransferCancelled(peer, id, c.bySelf() ? CancelledBy.US : CancelledBy.PEER);
        } else {
            return;
        }
        events.publish(event);
        if (!(update instanceof TransferUpdate.Offered
                || update instanceof TransferUpdate.Hashing
                || update instanceof TransferUpdate.Progress)) {
            transferPeers.remove(update.id());
        }
    }

    /** The transfer layer carries the path as the text the engine gave it ({@link Engine#pathOf}'s JSON name). */
    private static NetworkPath networkPath(String jsonName) {
        for (NetworkPath path : NetworkPath.values()) {
            if (path.jsonName().equals(jsonName)) {
                return path;
            }
        }
        return NetworkPath.UNKNOWN;
    }
}
