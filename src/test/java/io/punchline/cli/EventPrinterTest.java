package io.punchline.cli;

import io.punchline.engine.EngineEvent;
import io.punchline.engine.EngineEvent.CancelledBy;
import io.punchline.engine.EngineEvent.CandidateType;
import io.punchline.engine.EngineEvent.Direction;
import io.punchline.engine.EngineEvent.NetworkPath;
import io.punchline.engine.EngineEvent.PunchOutcome;
import io.punchline.engine.EngineEvent.SessionSide;
import io.punchline.engine.EventBus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The --json lines are a public interface (README, "Events"): enum fields print as the names listed there. */
class EventPrinterTest {

    private static String json(EngineEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EventPrinter(true, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .accept(new EventBus.Timed(7, event));
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void enumFieldsPrintTheirReadmeNames() {
        assertThat(json(new EngineEvent.SessionOpened("p", SessionSide.DIALLER, "1.2.3.4:5", "X25519MLKEM768")))
                .isEqualTo("{\"t\":7,\"event\":\"session.opened\",\"peer\":\"p\",\"side\":\"dialler\","
                        + "\"virtualAddress\":\"1.2.3.4:5\",\"tlsGroup\":\"X25519MLKEM768\"}");
        assertThat(json(new EngineEvent.SessionOpened("p", SessionSide.LISTENER, "a", "g"))).contains("\"side\":\"listener\"");
        assertThat(json(new EngineEvent.CandidateAdded("p", true, CandidateType.SERVER_REFLEXIVE, "a")))
                .isEqualTo("{\"t\":7,\"event\":\"candidate.added\",\"peer\":\"p\",\"local\":true,\"type\":\"srflx\",\"address\":\"a\"}");
        assertThat(json(new EngineEvent.CandidateAdded("p", false, CandidateType.HOST, "a"))).contains("\"type\":\"host\"");
        assertThat(json(new EngineEvent.CandidateAdded("p", false, CandidateType.PEER_REFLEXIVE, "a"))).contains("\"type\":\"prflx\"");
        assertThat(json(new EngineEvent.CandidateAdded("p", false, CandidateType.RELAYED, "a"))).contains("\"type\":\"relay\"");
        assertThat(json(new EngineEvent.PunchFinished("p", 3, PunchOutcome.VALIDATED, "a")))
                .isEqualTo("{\"t\":7,\"event\":\"punch.finished\",\"peer\":\"p\",\"round\":3,\"outcome\":\"validated\",\"pair\":\"a\"}");
        assertThat(json(new EngineEvent.PunchFinished("p", 3, PunchOutcome.FAILED, null)))
                .isEqualTo("{\"t\":7,\"event\":\"punch.finished\",\"peer\":\"p\",\"round\":3,\"outcome\":\"failed\",\"pair\":null}");
        assertThat(json(new EngineEvent.PathSwitched("p", NetworkPath.DIRECT, "a")))
                .isEqualTo("{\"t\":7,\"event\":\"path.switched\",\"peer\":\"p\",\"path\":\"direct\",\"address\":\"a\"}");
        assertThat(json(new EngineEvent.PathSwitched("p", NetworkPath.RELAY, "a"))).contains("\"path\":\"relay\"");
        assertThat(json(new EngineEvent.TransferOffered("p", "t", Direction.OUT, 2, 10)))
                .isEqualTo("{\"t\":7,\"event\":\"transfer.offered\",\"peer\":\"p\",\"transfer\":\"t\",\"direction\":\"out\","
                        + "\"files\":2,\"bytes\":10}");
        assertThat(json(new EngineEvent.TransferOffered("p", "t", Direction.IN, 2, 10))).contains("\"direction\":\"in\"");
        assertThat(json(new EngineEvent.TransferProgress("p", "t", 1, 2, 3, NetworkPath.RELAY, "f")))
                .isEqualTo("{\"t\":7,\"event\":\"transfer.progress\",\"peer\":\"p\",\"transfer\":\"t\",\"bytes\":1,\"total\":2,"
                        + "\"bytesPerSecond\":3,\"path\":\"relay\",\"file\":\"f\"}");
        assertThat(json(new EngineEvent.TransferCancelled("p", "t", CancelledBy.US)))
                .isEqualTo("{\"t\":7,\"event\":\"transfer.cancelled\",\"peer\":\"p\",\"transfer\":\"t\",\"by\":\"us\"}");
        assertThat(json(new EngineEvent.TransferCancelled("p", "t", CancelledBy.PEER))).contains("\"by\":\"peer\"");
    }

    @Test
    void resultLinesPrintEnumValuesByTheirNamesToo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EventPrinter(true, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .result("dial.done", "", "path", NetworkPath.DIRECT);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"event\":\"dial.done\",\"path\":\"direct\"}");
    }

    @Test
    void theTextFormNamesThemAlike() {
        ByteArrayOutputStream human = new ByteArrayOutputStream();
        new EventPrinter(false, System.out, new PrintStream(human, true, StandardCharsets.UTF_8))
                .accept(new EventBus.Timed(7, new EngineEvent.TransferCancelled("p", "t", CancelledBy.PEER)));
        assertThat(human.toString(StandardCharsets.UTF_8)).endsWith("transfer.cancelled  peer=p  transfer=t  by=peer"
                + System.lineSeparator());
    }
}
