package io.punchline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.punchline.bench.LabProcess.Event;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** How the lab benchmark reads a dialler's {@code --json} events (scripted events, as {@code punchline dial} prints them). */
class DialRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Event> events = new ArrayList<>();

    private void event(long t, long cpuMillis, String json) throws IOException {
        events.add(new Event(JSON.readTree("{\"t\":" + t + "," + json + "}"), 0, cpuMillis));
    }

    private void progress(long t, long cpuMillis, long bytes, String path) throws IOException {
        event(t, cpuMillis, "\"event\":\"transfer.progress\",\"transfer\":\"test-send\",\"bytes\":" + bytes + ",\"path\":\"" + path + "\"");
    }

    @Test
    void throughputAndCpuAreTakenFromTheFirstReportOnTheFinalPathToTheEnd() throws IOException {
        event(1_000, 100, "\"event\":\"session.opened\"");
        progress(1_500, 200, 5_000_000, "relay");
        event(1_600, 210, "\"event\":\"path.switched\",\"path\":\"direct\"");
        progress(2_000, 300, 20_000_000, "direct");
        progress(2_500, 400, 50_000_000, "direct");
        event(4_000, 1_100, "\"event\":\"transfer.finished\",\"transfer\":\"test-send\",\"bytes\":100000000,\"millis\":3000");
        event(4_010, 1_110, "\"event\":\"dial.done\",\"path\":\"direct\",\"relayedBytes\":5100000,\"directBytes\":96000000");

        DialRun run = DialRun.of(events, 100_000_000).orElseThrow();

        assertThat(run.path()).isEqualTo("direct");
        assertThat(run.megabytesPerSecond()).isCloseTo(40.0, within(1e-9)); // 80 MB in 2 s
        assertThat(run.cpuMillisPerMegabyte()).isCloseTo(10.0, within(1e-9)); // 800 ms for 80 MB
        assertThat(run.millisToDirect()).isEqualTo(600);
        assertThat(run.notes()).contains("last 80 of 100 MB");
    }

    @Test
    void aStreamWithNoReportOnItsFinalPathIsMeasuredWholeAndSaysSo() throws IOException {
        event(1_000, 100, "\"event\":\"session.opened\"");
        progress(1_500, 200, 5_000_000, "relay");
        event(1_900, 250, "\"event\":\"path.switched\",\"path\":\"direct\"");
        event(2_000, 300, "\"event\":\"transfer.finished\",\"transfer\":\"test-send\",\"bytes\":10000000,\"millis\":1000");
        event(2_010, 310, "\"event\":\"dial.done\",\"path\":\"direct\",\"relayedBytes\":5000000,\"directBytes\":5000000");

        DialRun run = DialRun.of(events, 10_000_000).orElseThrow();

        assertThat(run.megabytesPerSecond()).isCloseTo(10.0, within(1e-9)); // 10 MB in the stream's 1000 ms
        assertThat(run.cpuMillisPerMegabyte()).isCloseTo(20.0, within(1e-9)); // from session.opened: 200 ms
        assertThat(run.notes()).contains("whole stream");
    }

    @Test
    void aRelayedStreamHasNoTimeToDirectAndADialWithoutItsEndEventsNoFigures() throws IOException {
        event(1_000, 100, "\"event\":\"session.opened\"");
        progress(1_500, 200, 5_000_000, "relay");
        assertThat(DialRun.of(events, 10_000_000)).as("no transfer.finished / dial.done yet").isEmpty();

        event(2_500, 400, "\"event\":\"transfer.finished\",\"transfer\":\"test-send\",\"bytes\":10000000,\"millis\":1500");
        event(2_510, 410, "\"event\":\"dial.done\",\"path\":\"relay\",\"relayedBytes\":10300000,\"directBytes\":0");
        DialRun run = DialRun.of(events, 10_000_000).orElseThrow();

        assertThat(run.path()).isEqualTo("relay");
        assertThat(run.millisToDirect()).isEqualTo(-1);
        assertThat(run.megabytesPerSecond()).isCloseTo(5.0, within(1e-9)); // 5 MB in the last 1000 ms
    }
}
