package io.punchline.cli;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punchline.engine.EngineEvent;
import io.punchline.engine.EventBus;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * Prints engine events: with {@code --json} one JSON object per line, {@code {"t": millis, "event": name, ...fields}}
 * (the event names are a public interface, listed in the README); otherwise a readable line on standard error, so that
 * standard output keeps only what scripts read (the contact, the result).
 */
final class EventPrinter implements Consumer<EventBus.Timed> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final boolean json;
    private final PrintStream out;
    private final PrintStream human;

    EventPrinter(boolean json, PrintStream out, PrintStream human) {
        this.json = json;
        this.out = out;
        this.human = human;
    }

    /**
     * Builds Jackson's serializer of every event type now. The first event of each type otherwise pays for it (tens of
     * milliseconds in a fresh process) on the thread that published it: the engine's, in the middle of a traversal.
     */
    static void warmUp() {
        for (Class<?> type : EngineEvent.class.getPermittedSubclasses()) {
            try {
                JSON.getSerializerProviderInstance().findValueSerializer(type);
            } catch (JsonMappingException e) {
                throw new IllegalStateException("no JSON form for " + type.getSimpleName(), e);
            }
        }
    }

    @Override
    public void accept(EventBus.Timed timed) {
        EngineEvent event = timed.event();
        ObjectNode fields = JSON.valueToTree(event);
        if (json) {
            ObjectNode line = JSON.createObjectNode();
            line.put("t", timed.millis());
            line.put("event", event.name());
            line.setAll(fields);
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        } else {
            StringBuilder text = new StringBuilder(TIME.format(Instant.ofEpochMilli(timed.millis())))
                    .append("  ").append(event.name());
            fields.fields().forEachRemaining(entry -> text.append("  ").append(entry.getKey()).append('=')
                    .append(entry.getValue().isTextual() ? entry.getValue().asText() : entry.getValue().toString()));
            human.println(text);
        }
    }

    /** Prints a non-event line: a JSON object {@code {"t":..., "event": name, ...}} with --json, else plain text. */
    void result(String name, String text, Object... keyValues) {
        if (json) {
            ObjectNode line = JSON.createObjectNode();
            line.put("t", System.currentTimeMillis());
            line.put("event", name);
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                line.set(String.valueOf(keyValues[i]), JSON.valueToTree(keyValues[i + 1]));
            }
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        } else {
            out.println(text);
            out.flush();
        }
    }
}
