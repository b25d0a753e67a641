package io.punchline.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Delivers engine events to subscribers in the order they were published, each with its time. Subscribers run on the
 * publishing thread and must be quick (the UI hands events to its own thread; the CLI prints a line). An event that
 * states how something is now ({@link #publishLatest}: the port mapping, which may change before anyone could
 * subscribe) is also given to later subscribers when they subscribe.
 */
public final class EventBus {

    /** An event with the wall-clock time it was published. */
    public record Timed(long millis, EngineEvent event) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private final List<Consumer<Timed>> subscribers = new CopyOnWriteArrayList<>();
    private final Map<String, Timed> latest = new LinkedHashMap<>();

    /** Subscribes, first receiving the latest event of each {@link #publishLatest} topic; returns a handle that unsubscribes when run. */
    public Runnable subscribe(Consumer<Timed> subscriber) {
        synchronized (latest) {
            latest.values().forEach(timed -> deliver(subscriber, timed));
            subscribers.add(subscriber);
        }
        return () -> subscribers.remove(subscriber);
    }

    /** Publishes {@code event} as the state of {@code topic}, which later subscribers receive when they subscribe. */
    public void publishLatest(String topic, EngineEvent event) {
        Timed timed = new Timed(System.currentTimeMillis(), event);
        LOG.debug("{} {}", event.name(), event);
        synchronized (latest) {
            latest.put(topic, timed);
            subscribers.forEach(subscriber -> deliver(subscriber, timed));
        }
    }

    public void publish(EngineEvent event) {
        publish(event, System.currentTimeMillis());
    }

    /** Publishes {@code event} as having happened at {@code millis} (wall clock), e.g. a step reported after the fact. */
    public void publish(EngineEvent event, long millis) {
        Timed timed = new Timed(millis, event);
        LOG.debug("{} {}", event.name(), event);
        for (Consumer<Timed> subscriber : subscribers) {
            deliver(subscriber, timed);
        }
    }

    private static void deliver(Consumer<Timed> subscriber, Timed timed) {
        try {
            subscriber.accept(timed);
        } catch (RuntimeException e) {
            LOG.warn("event subscriber failed on {}", timed.event().name(), e);
        }
    }
}
