package io.punchline.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events reach subscribers in order, with the time they happened; the latest event of a topic also reaches those who
 * subscribe later.
 */
class EventBusTest {

    @Test
    void aLaterSubscriberFirstReceivesTheLatestEventOfEachTopicOnly() {
        EventBus bus = new EventBus();
        bus.publish(new EngineEvent.Error("missed"));
        bus.publishLatest("port-mapping", new EngineEvent.PortMappingUnavailable("first try"));
        bus.publishLatest("port-mapping", new EngineEvent.PortMapped(EngineEvent.MappingProtocol.PCP, "/198.51.100.7:4433",
                7200, true, false));
        List<String> seen = new ArrayList<>();
        bus.subscribe(timed -> seen.add(timed.event().name()));
        bus.publish(new EngineEvent.Error("later"));
        assertThat(seen).containsExactly("port-mapping", "error");
    }

    @Test
    void subscribersPresentReceiveTopicEventsAsTheyArePublished() {
        EventBus bus = new EventBus();
        List<EngineEvent> seen = new ArrayList<>();
        bus.subscribe(timed -> seen.add(timed.event()));
        EngineEvent unavailable = new EngineEvent.PortMappingUnavailable("no gateway");
        bus.publishLatest("port-mapping", unavailable);
        assertThat(seen).containsExactly(unavailable);
    }

    @Test
    void anEventReportedAfterTheFactKeepsTheTimeItHappened() {
        EventBus bus = new EventBus();
        List<EventBus.Timed> seen = new ArrayList<>();
        bus.subscribe(seen::add);
        long happened = System.currentTimeMillis() - 40;
        bus.publish(new EngineEvent.Error("reported late"), happened);
        bus.publish(new EngineEvent.Error("now"));
        assertThat(seen).extracting(EventBus.Timed::millis).first().isEqualTo(happened);
        assertThat(seen.get(1).millis()).isGreaterThanOrEqualTo(happened + 40);
    }
}
