package io.punchline.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Publishes the events of work that several threads carry out side by side in the order the work was decided, not the
 * order in which it finished. A thread reserves a {@link Batch} where the order is decided (under the lock of whatever
 * decides it), carries its work out without any lock, adding the events that report it, and then completes the batch;
 * a completed batch is published once every batch reserved before it is, by whichever thread completes the last of
 * them.
 *
 * <p>Why: the traversal of a session decides on several threads (the control stream's reader, the timer, the socket's
 * event loop for probes) and carries out outside its lock, so a probe's answer, decided after a punch round had started,
 * could be reported before that round's own events, which were still waiting on the network: a window showing a
 * direct path while its candidate still read "punching".
 */
final class InOrderReports {

    /** The events of one piece of work, in order; published after those of every batch reserved before it. */
    final class Batch {
        private final List<EventBus.Timed> events = new ArrayList<>();
        private boolean complete;

        /** Adds an event of this batch; only the thread carrying the batch out calls it, before completing it. */
        void add(EventBus.Timed event) {
            events.add(event);
        }

        /** Marks the batch carried out and publishes every batch that is now due, this one included if it is. */
        void complete() {
            synchronized (InOrderReports.this) {
                complete = true;
            }
            publishDue();
        }
    }

    private final Consumer<EventBus.Timed> publisher;
    /** Reserved batches not yet published, oldest first. Guarded by this. */
    private final Queue<Batch> pending = new ArrayDeque<>();
    /** Held while publishing, so that two threads never interleave the events of two batches. */
    private final Object publishing = new Object();

    InOrderReports(Consumer<EventBus.Timed> publisher) {
        this.publisher = publisher;
    }

    /** Reserves the next batch in the order of publication. */
    synchronized Batch reserve() {
        Batch batch = new Batch();
        pending.add(batch);
        return batch;
    }

    private void publishDue() {
        synchronized (publishing) {
            while (true) {
                Batch due;
                synchronized (this) {
                    due = pending.peek();
                    if (due == null || !due.complete) {
                        return;
                    }
                    pending.remove();
                }
                due.events.forEach(publisher);
            }
        }
    }
}
