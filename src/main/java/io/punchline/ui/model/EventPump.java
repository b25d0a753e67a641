package io.punchline.ui.model;

import io.punchline.engine.EventBus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Carries engine events from the engine's threads to the FX thread in batches: the first event of a burst schedules
 * one drain ({@code Platform.runLater} in the window), which applies everything queued by then. A punch burst or a
 * fallback never floods the FX thread with one task per event.
 */
public final class EventPump implements Consumer<EventBus.Timed> {

    private final ConcurrentLinkedQueue<EventBus.Timed> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor fxThread;
    private final Consumer<List<EventBus.Timed>> sink;

    public EventPump(Executor fxThread, Consumer<List<EventBus.Timed>> sink) {
        this.fxThread = fxThread;
        this.sink = sink;
    }

    @Override
    public void accept(EventBus.Timed timed) {
        queue.add(timed);
        if (scheduled.compareAndSet(false, true)) {
            fxThread.execute(this::drain);
        }
    }

    private void drain() {
        scheduled.set(false);
        List<EventBus.Timed> batch = new ArrayList<>();
        for (EventBus.Timed timed; (timed = queue.poll()) != null; ) {
            batch.add(timed);
        }
        if (!batch.isEmpty()) {
            sink.accept(batch);
        }
    }
}
