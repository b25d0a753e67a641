package io.punchline.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Delivers engine events to subscribers in the order they were published, each with its time. Subscribers run on the
 * publishing thread and must be quick (the UI hands events to its own thread; the CLI prints a line).
 */
public final class EventBus {

    /** An event with the wall-clock time it was published. */
    public record Timed(long millis, EngineEvent event) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private final List<Consumer<Timed>> subscribers = new CopyOnWriteArrayList<>();

    /** Subscribes; returns a handle that unsubscribes when run. */
    public Runnable subscribe(Consumer<Timed> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public void publish(EngineEvent event) {
        Timed timed = new Timed(System.currentTimeMillis(), event);
        LOG.debug("{} {}", event.name(), event);
        for (Consumer<Timed> subscriber : subscribers) {
            try {
                subscriber.accept(timed);
            } catch (RuntimeException e) {
                LOG.warn("event subscriber failed on {}", event.name(), e);
            }
        }
    }
}
