package io.punchline.ui;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.EngineEvent;
import io.punchline.engine.EventBus;
import io.punchline.engine.TestStream;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.ui.model.CandidateRow;
import io.punchline.ui.model.CandidateState;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.EventPump;
import io.punchline.ui.model.Meter;
import io.punchline.ui.model.PunchRound;
import io.punchline.ui.settings.Settings;
import io.punchline.ui.settings.SettingsStore;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window under a real display (Xvfb when there is none; skipped without either): a real relay and engine pair on
 * loopback, a scripted punch-and-fallback stream, and settings saved and read back through the dialog. Screenshots of
 * the main states go to docs/screenshots.
 */
@ExtendWith(XvfbDisplay.class)
@Timeout(180)
class MainWindowTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static Stage stage;
    private final FxRobot robot = new FxRobot();
    private final java.util.List<AutoCloseable> cleanup = new java.util.ArrayList<>();

    @TempDir
    Path folder;

    @BeforeEach
    void toolkit() throws Exception {
        stage = FxToolkit.registerPrimaryStage(); // once per JVM; after XvfbDisplay has made sure of a display
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        if (stage != null) {
            FxToolkit.setupFixture(() -> stage.hide());
        }
    }

    private MainWindow show(DashboardModel model, MainWindow.Actions actions) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> {
            MainWindow window = new MainWindow(stage, model, actions);
            stage.show();
            stage.toFront();
            return window;
        }).get(20, TimeUnit.SECONDS);
    }

    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    private static void until(String what, Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(45, TimeUnit.SECONDS, () -> fx(condition));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for: " + what, e);
        }
    }

    private void screenshot(MainWindow window, String theme, String name) throws Exception {
        fx(() -> {
            window.applyTheme(theme);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(300);
        WaitForAsyncUtils.waitForFxEvents();
        fx(() -> Screenshots.write(window.scene(), name + "-" + theme));
    }

    @Test
    void theWindowFollowsARealEnginePairThroughTheRelayToADirectPath() throws Exception {
        RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(LOOPBACK, 0))
                .withLoopbackTargets(true));
        cleanup.add(relay);
        SettingsStore store = new SettingsStore(folder.resolve("profile"));
        store.save(Settings.defaults().withRelay(relay.contact()).withTheme(Settings.LIGHT));
        DashboardModel model = new DashboardModel();
        WindowController controller = new WindowController(model, Platform::runLater, folder.resolve("profile"),
                folder, store, new InetSocketAddress(LOOPBACK, 0), LOOPBACK);
        cleanup.add(controller);
        MainWindow window = show(model, controller);
        controller.start();

        until("relay pane connected", () -> model.relay().connectedProperty().get());
        assertThat(fx(() -> robot.lookup("#relayState").queryAs(Label.class).getText())).isEqualTo("connected");
        assertThat(fx(() -> robot.lookup("#relayAddress").queryAs(Label.class).getText()))
                .isEqualTo(relay.address().authority());
        assertThat(fx(() -> robot.lookup("#relayPin").queryAs(TextField.class).getText()))
                .isEqualTo(relay.fingerprint().toString());
        assertThat(fx(() -> robot.lookup("#relayOrigin").queryAs(Label.class).getText())).isEqualTo("configured relay");
        until("relay RTT sampled", () -> model.relay().rttMillisProperty().get() >= 0
                && model.relay().contextsProperty().get() > 0);

        Engine peer = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                .withListen(new InetSocketAddress(LOOPBACK, 0)));
        cleanup.add(peer);
        peer.onSession(session -> session.onStream(stream -> {
            try {
                TestStream.receive(peer, session, stream);
            } catch (Exception e) {
                stream.abort();
            }
        }));

        TextField contact = fx(() -> robot.lookup("#dialContact").queryAs(TextField.class));
        fx(() -> {
            contact.setText(peer.contact().toString());
            return null;
        });
        robot.clickOn(contact).type(KeyCode.ENTER);

        until("a session in the peers list", () -> model.peers().size() == 1 && model.selected() != null);
        assertThat(model.selected().peer()).isEqualTo(peer.peerId().fingerprint());
        until("candidates in the table", () -> robot.lookup("#candidatesTable").<TableView<CandidateRow>>query()
                .getItems().stream().anyMatch(r -> !r.local() && "host".equals(r.type())));
        until("the path diagram shows the direct path", () -> window.scene().lookup("#pathDiagram")
                .getAccessibleText().startsWith("Live path: direct via 127.0.0.1:"));
        String direct = peer.localAddress().getPort() + "";
        assertThat(fx(() -> window.scene().lookup("#pathDiagram").getAccessibleText())).endsWith(":" + direct);
        List<CandidateRow> rows = fx(() -> List.copyOf(robot.lookup("#candidatesTable")
                .<TableView<CandidateRow>>query().getItems()));
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.local()).isFalse();
            assertThat(r.state()).isEqualTo(CandidateState.VALIDATED);
            assertThat(r.liveProperty().get()).isTrue();
            assertThat(r.address()).endsWith(":" + direct);
        });
        robot.clickOn("#sendTest");
        until("throughput sampled", () -> model.samples().stream()
                .anyMatch(s -> s.relayBytesPerSecond() + s.directBytesPerSecond() > 100_000));
        until("session RTT sampled", () -> model.selected().rttMillisProperty().get() >= 0);
        Thread.sleep(1500);
        screenshot(window, Settings.LIGHT, "session-direct");
        screenshot(window, Settings.DARK, "session-direct");
    }

    @Test
    void aScriptedPunchAndFallbackMoveTheDiagramTheRoundsAndTheCandidates() throws Exception {
        DashboardModel model = new DashboardModel();
        MainWindow window = show(model, new StoreActions(new SettingsStore(folder)));
        fx(() -> {
            model.relay().describe("127.0.0.1:4433#3f1c9a6b0d2e4f5a69788796a5b4c3d2e1f00112233445566778899aabbccdd"
                    + "#9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877665544", true, "embedded relay on port 4433");
            model.relay().ownContactProperty().set(DashboardModelTest.PEER + "@127.0.0.1:40001@127.0.0.1:4433#…");
            return null;
        });
        EventBus bus = new EventBus();
        bus.subscribe(new EventPump(Platform::runLater, model::applyAll));
        List<EngineEvent> script = DashboardModelTest.punchAndFallback();
        long start = System.currentTimeMillis() - 60_000;
        // a minute of samples: relayed first, direct after the switch at 20 s, relayed again after the fallback at 45 s
        fx(() -> {
            for (int i = 0; i <= 240; i++) {
                long t = start + i * 250L;
                long relayed = i < 80 ? i * 180_000L : 80 * 180_000L + (i >= 180 ? (i - 180) * 150_000L : 0);
                long directly = i < 80 ? 0 : Math.min(i, 180) * 900_000L - 80 * 900_000L;
                model.sample(new Meter(t, relayed, directly, 9, 2, Map.of(DashboardModelTest.PEER, i < 80 || i >= 180 ? 38L : 4L)));
                if (i == 1) {
                    script.subList(0, 13).forEach(e -> model.apply(e, t));
                }
                if (i == 80) {
                    model.apply(script.get(13), t);
                }
            }
            return null;
        });
        until("the direct path on the diagram", () -> window.scene().lookup("#pathDiagram").getAccessibleText()
                .equals("Live path: direct via 198.51.100.9:62000"));
        List<PunchRound> rounds = fx(() -> List.copyOf(robot.lookup("#roundsTimeline").<TableView<PunchRound>>query().getItems()));
        assertThat(rounds).extracting(PunchRound::outcome).containsExactly("failed", "validated");
        screenshot(window, Settings.LIGHT, "punch-direct");

        bus.publish(script.get(14));
        bus.publish(script.get(15));
        until("back on the relay", () -> window.scene().lookup("#pathDiagram").getAccessibleText()
                .equals("Live path: relay via 127.0.0.1:40002"));
        List<CandidateRow> rows = fx(() -> List.copyOf(robot.lookup("#candidatesTable").<TableView<CandidateRow>>query().getItems()));
        assertThat(rows).filteredOn(r -> r.address().equals("198.51.100.9:62000"))
                .singleElement().extracting(CandidateRow::state).isEqualTo(CandidateState.FAILED);
        assertThat(fx(() -> ((org.controlsfx.control.StatusBar) window.scene().lookup("#statusBar")).getText()))
                .contains("back on the relay");
        screenshot(window, Settings.DARK, "fallback");
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT2).release(KeyCode.CONTROL);
        until("rounds tab selected", () -> window.tabs.getSelectionModel().getSelectedIndex() == 1);
        screenshot(window, Settings.LIGHT, "rounds");
    }

    @Test
    void settingsAreSavedThroughTheDialogAndReadBack() throws Exception {
        SettingsStore store = new SettingsStore(folder);
        StoreActions actions = new StoreActions(store);
        DashboardModel model = new DashboardModel();
        fx(() -> {
            model.identityProperty().set(DashboardModelTest.PEER);
            return null;
        });
        MainWindow window = show(model, actions);
        robot.press(KeyCode.CONTROL).type(KeyCode.COMMA).release(KeyCode.CONTROL);
        until("the settings dialog", () -> robot.lookup("#settingsDialog").tryQuery().isPresent());
        assertThat(fx(() -> robot.lookup("#identityFingerprint").queryAs(TextField.class).getText()))
                .isEqualTo(DashboardModelTest.PEER);
        robot.clickOn("#deviceName").press(KeyCode.CONTROL).type(KeyCode.A).release(KeyCode.CONTROL).write("lab-desk");
        robot.clickOn("#relayRemote");
        String remote = "relay.example.org:4433#" + "ab".repeat(32) + "#" + "cd".repeat(32);
        fx(() -> {
            robot.lookup("#relayField").queryAs(TextField.class).setText(remote);
            return null;
        });
        DialogPane pane = robot.lookup("#settingsDialog").queryAs(DialogPane.class);
        fx(() -> Screenshots.write(pane.getScene(), "settings-light"));
        Node save = fx(() -> robot.from(pane).lookup(".button").queryAllAs(Button.class).stream()
                .filter(b -> b.getText().replace("_", "").equals("Save")).findFirst().orElseThrow());
        robot.clickOn(save);
        until("the dialog closed", () -> robot.lookup("#settingsDialog").tryQuery().isEmpty());

        assertThat(Files.readString(store.file())).contains("lab-desk").contains(remote);
        Settings read = new SettingsStore(folder).load();
        assertThat(read.deviceName()).isEqualTo("lab-desk");
        assertThat(read.relay()).isEqualTo(remote);

        fx(() -> {
            window.openSettingsLater();
            return null;
        });
        until("the settings dialog again", () -> robot.lookup("#settingsDialog").tryQuery().isPresent());
        assertThat(fx(() -> robot.lookup("#deviceName").queryAs(TextField.class).getText())).isEqualTo("lab-desk");
        assertThat(fx(() -> robot.lookup("#relayField").queryAs(TextField.class).getText())).isEqualTo(remote);
        robot.type(KeyCode.ESCAPE);
        until("the dialog closed", () -> robot.lookup("#settingsDialog").tryQuery().isEmpty());
    }

    /** Actions of a window without an engine: settings go straight to a store (relay checks are the controller's). */
    private static final class StoreActions implements MainWindow.Actions {
        private final SettingsStore store;

        StoreActions(SettingsStore store) {
            this.store = store;
        }

        @Override
        public void dial(String contact) {
        }

        @Override
        public void sendTestData(String peer) {
        }

        @Override
        public String apply(Settings settings) {
            try {
                store.save(settings);
                return null;
            } catch (java.io.IOException e) {
                return e.getMessage();
            }
        }

        @Override
        public Settings settings() {
            return store.load();
        }
    }
}
