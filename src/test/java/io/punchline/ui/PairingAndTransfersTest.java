package io.punchline.ui;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.PairingInvite;
import io.punchline.pairing.RememberedPeers;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import io.punchline.transfer.TransferResult;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.RememberedPeerRow;
import io.punchline.ui.model.TransferRow;
import io.punchline.ui.settings.Settings;
import io.punchline.ui.settings.SettingsStore;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Phase 2 under a real display (Xvfb when there is none): the window's engine (through its controller, with a real
 * relay on loopback) pairs with second in-process engines through the pairing dialog both ways, receives offers
 * accepted through the UI (all, and a subset picked in the entry tree) and renames and forgets peers.
 */
@ExtendWith(XvfbDisplay.class)
@Timeout(240)
class PairingAndTransfersTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static Stage stage;
    private final FxRobot robot = new FxRobot();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @TempDir
    Path folder;

    private RelayServer relay;
    private DashboardModel model;
    private WindowController controller;
    private MainWindow window;

    @BeforeEach
    void toolkit() throws Exception {
        stage = FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        FxToolkit.setupFixture(() -> {
            for (javafx.stage.Window open : List.copyOf(javafx.stage.Window.getWindows())) {
                if (open != stage && open instanceof Stage other) {
                    other.close();
                }
            }
            stage.hide();
        });
    }

    private void startWindow(String theme) throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(LOOPBACK, 0)).withLoopbackTargets(true));
        cleanup.add(relay);
        Path profile = folder.resolve("profile");
        SettingsStore store = new SettingsStore(profile);
        store.save(new Settings(relay.contact(), Settings.DEFAULT_RELAY_PORT, folder.resolve("downloads").toString(),
                "desk", theme));
        model = new DashboardModel();
        controller = new WindowController(model, Platform::runLater, profile, folder, store,
                new InetSocketAddress(LOOPBACK, 0), LOOPBACK);
        cleanup.add(controller);
        window = WaitForAsyncUtils.asyncFx(() -> {
            MainWindow shown = new MainWindow(stage, model, controller);
            stage.show();
            stage.toFront();
            return shown;
        }).get(20, TimeUnit.SECONDS);
        controller.start();
        until("engine bound", () -> model.relay().connectedProperty().get() && controller.engine() != null);
    }

    private Engine engine(String name) throws Exception {
        Engine engine = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                .withListen(new InetSocketAddress(LOOPBACK, 0)).withHome(folder.resolve(name)).withDeviceName(name));
        cleanup.add(engine);
        engine.acceptOnlyRememberedPeers();
        return engine;
    }

    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    private static void until(String what, Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> fx(condition));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for: " + what, e);
        }
    }

    private List<String> rememberedNames() throws Exception {
        return fx(() -> model.remembered().stream().map(RememberedPeerRow::name).toList());
    }

    private void pairThroughController(Engine other) throws Exception {
        PairingInvite invite = controller.invite().get(30, TimeUnit.SECONDS);
        other.join(invite.code()).get(30, TimeUnit.SECONDS);
        invite.paired().get(30, TimeUnit.SECONDS);
        until("paired peer listed", () -> model.remembered().size() == other.rememberedPeers().size()
                || !model.remembered().isEmpty());
    }

    @Test
    void pairingThroughTheDialogBothWaysListsThePeersOnBothSides() throws Exception {
        startWindow(Settings.LIGHT);
        Engine laptop = engine("laptop");
        robot.press(KeyCode.CONTROL).type(KeyCode.P).release(KeyCode.CONTROL);
        until("the pairing dialog shows a code", () -> robot.lookup("#pairingCode").tryQuery().isPresent()
                && !robot.lookup("#pairingCode").queryAs(TextField.class).getText().isEmpty());
        String code = fx(() -> robot.lookup("#pairingCode").queryAs(TextField.class).getText());
        assertThat(code).matches("\\d+(-[a-z]+){4}");
        assertThat(fx(() -> robot.lookup("#codeCountdown").queryAs(Label.class).getText())).startsWith("Expires in ");
        assertThat(fx(() -> robot.lookup("#showStatus").queryAs(Label.class).getText())).contains("Waiting for the other side");
        DialogPane pane = fx(() -> robot.lookup("#pairingDialog").queryAs(DialogPane.class));
        fx(() -> Screenshots.write(pane.getScene(), "pairing-code-light"));
        fx(() -> {
            window.applyTheme(Settings.DARK);
            pane.getStylesheets().setAll(window.scene().getStylesheets());
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        fx(() -> Screenshots.write(pane.getScene(), "pairing-code-dark"));

        RememberedPeers.Peer desk = laptop.join(code).get(30, TimeUnit.SECONDS);
        assertThat(desk.name()).isEqualTo("desk");
        until("the window lists laptop", () -> model.remembered().stream().anyMatch(r -> r.name().equals("laptop")));
        until("the dialog says paired", () -> robot.lookup("#showStatus").queryAs(Label.class).getText()
                .contains("Paired with laptop"));
        assertThat(laptop.rememberedPeers()).extracting(RememberedPeers.Peer::name).containsExactly("desk");

        // the other way: a phone shows a code, the window enters it
        Engine phone = engine("phone");
        PairingInvite invite = phone.invite();
        fx(() -> {
            robot.lookup("#enterCodeTab").tryQuery(); // the tab header is not a node; select through the pane
            ((javafx.scene.control.TabPane) pane.getContent()).getSelectionModel().select(1);
            return null;
        });
        TextField field = fx(() -> robot.lookup("#codeField").queryAs(TextField.class));
        fx(() -> {
            field.setText("42-abandon");
            return null;
        });
        assertThat(fx(() -> robot.lookup("#codeHint").queryAs(Label.class).getText())).contains("4 words");
        assertThat(fx(() -> robot.lookup("#joinButton").queryAs(Button.class).isDisabled())).isTrue();
        fx(() -> {
            field.setText(invite.code().toUpperCase());
            return null;
        });
        assertThat(fx(() -> robot.lookup("#codeHint").queryAs(Label.class).getText())).isEqualTo("✓ " + invite.code());
        robot.clickOn("#joinButton");
        until("the dialog says paired with phone", () -> robot.lookup("#joinStatus").queryAs(Label.class).getText()
                .contains("Paired with phone"));
        assertThat(invite.paired().get(30, TimeUnit.SECONDS).name()).isEqualTo("desk");
        until("the window lists both", () -> model.remembered().size() == 2);
        assertThat(rememberedNames()).containsExactlyInAnyOrder("laptop", "phone");
        assertThat(fx(() -> robot.lookup("#rememberedList").<ListView<RememberedPeerRow>>query().getItems().size())).isEqualTo(2);
        robot.type(KeyCode.ESCAPE);
    }

    @Test
    void offersAreAcceptedThroughTheUiWholeAndInPartAndTheFilesArrive() throws Exception {
        startWindow(Settings.LIGHT);
        Engine laptop = engine("laptop");
        pairThroughController(laptop);
        Path source = folder.resolve("outbox");
        Files.createDirectories(source.resolve("sub"));
        byte[] big = new byte[24_000_000];
        new Random(7).nextBytes(big);
        Files.write(source.resolve("big.bin"), big);
        Files.writeString(source.resolve("sub/b.txt"), "bee");
        Files.writeString(source.resolve("sub/c.txt"), "sea");
        RememberedPeers.Peer desk = laptop.rememberedPeer("desk").orElseThrow();
        PeerSession session = laptop.connect(desk);

        var first = laptop.sendFiles(session, List.of(source.resolve("big.bin"), source.resolve("sub")));
        until("the offer banner", () -> robot.lookup(".offer-accept-all").tryQuery().isPresent());
        assertThat(fx(() -> robot.lookup(".offer-text").queryAs(Label.class).getText())).startsWith("laptop offers 3 files");
        robot.clickOn(".offer-accept-all");
        until("the transfer running or done", () -> model.transfers().rows().stream()
                .anyMatch(r -> r.state() == TransferRow.State.RUNNING || r.state() == TransferRow.State.DONE));
        if (fx(() -> model.transfers().rows().get(0).state() == TransferRow.State.RUNNING)) {
            fx(() -> Screenshots.write(window.scene(), "transfers-light"));
        }
        assertThat(first.result().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(TransferResult.Outcome.COMPLETED);
        until("the row done", () -> model.transfers().rows().get(0).state() == TransferRow.State.DONE);
        Path downloads = folder.resolve("downloads");
        assertThat(sha(downloads.resolve("big.bin"))).isEqualTo(sha(source.resolve("big.bin")));
        assertThat(Files.readString(downloads.resolve("sub/b.txt"))).isEqualTo("bee");
        assertThat(Files.readString(downloads.resolve("sub/c.txt"))).isEqualTo("sea");
        TransferRow done = fx(() -> model.transfers().rows().get(0));
        assertThat(done.direction()).isEqualTo(TransferRow.IN);
        assertThat(done.peerNameProperty().get()).isEqualTo("laptop");
        assertThat(done.folderProperty().get()).isEqualTo(downloads.toString());
        assertThat(fx(() -> robot.lookup(".transfer-open").tryQuery().isPresent())).isTrue();

        // a subset, into another folder, through the entry tree
        var second = laptop.sendFiles(session, List.of(source.resolve("big.bin"), source.resolve("sub")));
        until("the second offer banner", () -> robot.lookup(".offer-choose").tryQuery().isPresent());
        robot.clickOn(".offer-choose");
        until("the offer dialog", () -> robot.lookup("#offerDialog").tryQuery().isPresent());
        Path picked = folder.resolve("picked");
        DialogPane offerPane = fx(() -> robot.lookup("#offerDialog").queryAs(DialogPane.class));
        OfferDialog dialog = fx(() -> window.transfers.lastOfferDialog);
        fx(() -> {
            TextField target = robot.lookup("#offerFolder").queryAs(TextField.class);
            assertThat(target.getText()).isEqualTo(folder.resolve("downloads").toString());
            target.setText(picked.toString());
            dialog.select("big.bin", false);
            dialog.select("sub/c.txt", false);
            return null;
        });
        Node accept = fx(() -> offerPane.lookupButton(OfferDialog.ACCEPT));
        robot.clickOn(accept);
        TransferResult result = second.result().get(60, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(TransferResult.Outcome.COMPLETED);
        assertThat(Files.readString(picked.resolve("sub/b.txt"))).isEqualTo("bee");
        assertThat(picked.resolve("sub/c.txt")).doesNotExist();
        assertThat(picked.resolve("big.bin")).doesNotExist();
        until("two rows done", () -> model.transfers().rows().stream().filter(r -> r.state() == TransferRow.State.DONE).count() == 2);
        fx(() -> {
            window.tabs.getSelectionModel().select(2);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        if (Files.notExists(Screenshots.FOLDER.resolve("transfers-light.png"))) {
            fx(() -> Screenshots.write(window.scene(), "transfers-light"));
        }
        fx(() -> {
            window.applyTheme(Settings.DARK);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        fx(() -> Screenshots.write(window.scene(), "transfers-dark"));
    }

    @Test
    void aPeerIsRenamedAndForgottenThroughTheUi() throws Exception {
        startWindow(Settings.LIGHT);
        Engine laptop = engine("laptop");
        Engine phone = engine("phone");
        pairThroughController(laptop);
        pairThroughController(phone);
        until("both listed", () -> model.remembered().size() == 2);
        ListView<RememberedPeerRow> list = fx(() -> robot.lookup("#rememberedList").<ListView<RememberedPeerRow>>query());
        fx(() -> {
            list.getSelectionModel().select(model.remembered().stream().filter(r -> r.name().equals("laptop")).findFirst().orElseThrow());
            return null;
        });
        // a clash is an error that says so
        robot.clickOn("#renameButton");
        until("the rename dialog", () -> robot.lookup("#renameDialog").tryQuery().isPresent());
        fx(() -> {
            robot.lookup("#renameDialog").queryAs(DialogPane.class).lookup(".text-field");
            ((TextField) robot.lookup("#renameDialog").queryAs(DialogPane.class).lookup(".text-field")).setText("phone");
            return null;
        });
        robot.clickOn(fx(() -> robot.lookup("#renameDialog").queryAs(DialogPane.class).lookupButton(javafx.scene.control.ButtonType.OK)));
        until("the clash error", () -> robot.lookup("#peerError").tryQuery().isPresent());
        assertThat(fx(() -> robot.lookup("#peerError").queryAs(DialogPane.class).getContentText()))
                .contains("already named 'phone'");
        robot.clickOn(fx(() -> robot.lookup("#peerError").queryAs(DialogPane.class).lookupButton(javafx.scene.control.ButtonType.OK)));

        fx(() -> {
            list.getSelectionModel().select(model.remembered().stream().filter(r -> r.name().equals("laptop")).findFirst().orElseThrow());
            return null;
        });
        robot.clickOn("#renameButton");
        until("the rename dialog again", () -> robot.lookup("#renameDialog").tryQuery().isPresent());
        fx(() -> {
            ((TextField) robot.lookup("#renameDialog").queryAs(DialogPane.class).lookup(".text-field")).setText("Work laptop");
            return null;
        });
        robot.clickOn(fx(() -> robot.lookup("#renameDialog").queryAs(DialogPane.class).lookupButton(javafx.scene.control.ButtonType.OK)));
        until("renamed", () -> rememberedNames().contains("Work laptop"));
        assertThat(controller.engine().rememberedPeer("Work laptop")).isPresent();

        fx(() -> {
            list.getSelectionModel().select(model.remembered().stream().filter(r -> r.name().equals("Work laptop")).findFirst().orElseThrow());
            return null;
        });
        robot.clickOn("#forgetButton");
        until("the confirmation", () -> robot.lookup("#forgetDialog").tryQuery().isPresent());
        DialogPane confirm = fx(() -> robot.lookup("#forgetDialog").queryAs(DialogPane.class));
        Node forget = fx(() -> confirm.getButtonTypes().stream().filter(b -> b.getText().equals("Forget"))
                .map(confirm::lookupButton).findFirst().orElseThrow());
        robot.clickOn(forget);
        until("forgotten", () -> rememberedNames().equals(List.of("phone")));
        assertThat(controller.engine().rememberedPeers()).extracting(RememberedPeers.Peer::name).containsExactly("phone");
    }

    private static String sha(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
