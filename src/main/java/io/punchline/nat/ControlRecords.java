package io.punchline.nat;

import io.punchline.nat.TraversalAction.SendControl;

import java.util.ArrayList;
import java.util.List;

/**
 * Control records of a batch of {@link TraversalAction}s: everything one batch sends on the control stream goes as one
 * record, so the peer reads it from one QUIC packet and acts on all of it at once ({@link Traversal#onRecord}). Sent
 * one by one, the PUNCH_ME_NOW of a record's later pair could leave a packet (and, on a busy engine, many milliseconds)
 * after the first.
 */
final class ControlRecords {

    private ControlRecords() {
    }

    /** {@code actions} with the messages of all its {@link SendControl}s in the first one, in order. */
    static List<TraversalAction> inOne(List<TraversalAction> actions) {
        List<TraversalMessage> sent = new ArrayList<>();
        int first = -1;
        int count = 0;
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i) instanceof SendControl send) {
                first = first < 0 ? i : first;
                count++;
                sent.addAll(send.messages());
            }
        }
        if (count < 2) {
            return actions;
        }
        List<TraversalAction> merged = new ArrayList<>(actions.size() - count + 1);
        for (int i = 0; i < actions.size(); i++) {
            if (i == first) {
                merged.add(new SendControl(List.copyOf(sent)));
            } else if (!(actions.get(i) instanceof SendControl)) {
                merged.add(actions.get(i));
            }
        }
        return merged;
    }
}
