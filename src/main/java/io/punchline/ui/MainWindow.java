package io.punchline.ui;

import io.punchline.Version;
import io.punchline.engine.PairingInvite;
import io.punchline.pairing.RememberedPeers;
import io.punchline.transfer.IncomingOffer;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.model.PairingModel;
import io.punchline.ui.model.TransferList;
import io.punchline.ui.settings.Settings;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.controlsfx.control.Notifications;
import org.controlsfx.control.StatusBar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The main window: peers on the left; the path diagram, the chart and the candidates / punch rounds tabs in the
 * middle; the relay session on the right; a status bar. Phase 2 adds the transfers as a tab of {@link #tabs} and
 * remembered peers to the peers pane.
 */
final class MainWindow {

    private final DashboardModel model;
    private final Stage stage;
    private final Scene scene;
    final TabPane tabs = new TabPane();
    private final PathDiagram diagram;
    private final PathChart chart;
    private final Actions actions;
    final TransfersPane transfers;
    final PeersPane peers;
    private PairingDialog pairingDialog;

    /** What the window asks of its controller ({@link WindowController}); futures complete on the FX thread. */
    interface Actions extends PairingModel.Pairing {
        void dial(String contact);

        /** Sends test data to a peer (checked by SHA-256 on its side). */
        void sendTestData(String peer);

        /** Saves settings; returns an error message or null. */
        String apply(Settings settings);

        Settings settings();

        /** Creates a pairing code on the relay. */
        @Override
        default CompletableFuture<PairingInvite> invite() {
            return notRunning();
        }

        /** Enters the other side's code. */
        @Override
        default CompletableFuture<RememberedPeers.Peer> join(String code) {
            return notRunning();
        }

        @Override
        default void cancel(PairingInvite invite) {
        }

        default CompletableFuture<Void> renamePeer(String name, String newName) {
            return notRunning();
        }

        default CompletableFuture<Void> forgetPeer(String name) {
            return notRunning();
        }

        /** Connects to a paired peer and offers files and folders. */
        default CompletableFuture<Void> sendFiles(String peerName, List<Path> paths) {
            return notRunning();
        }

        /** Accepts an offer, all of it ({@code selection} null) or the manifest paths selected, into a folder. */
        default void accept(IncomingOffer offer, Path folder, Set<String> selection) {
        }

        default void decline(IncomingOffer offer) {
        }

        default void cancelTransfer(String id) {
        }

        /** Opens a folder in the desktop's file manager (no-op where there is none). */
        default void openFolder(String folder) {
        }

        private static <T> CompletableFuture<T> notRunning() {
            return CompletableFuture.failedFuture(new IOException("the engine is not running"));
        }
    }

    MainWindow(Stage stage, DashboardModel model, Actions actions) {
        this.stage = stage;
        this.model = model;
        this.actions = actions;
        diagram = new PathDiagram(model);
        chart = new PathChart(model);

        Tab candidates = new Tab("Candidates", new CandidatesTable(model));
        Tab rounds = new Tab("Punch rounds", new RoundsTimeline(model));
        candidates.setClosable(false);
        rounds.setClosable(false);
        candidates.setId("candidatesTab");
        rounds.setId("roundsTab");
        transfers = new TransfersPane(model, actions);
        Tab transfersTab = new Tab("Transfers", transfers);
        transfersTab.setClosable(false);
        transfersTab.setId("transfersTab");
        tabs.getTabs().setAll(candidates, rounds, transfersTab);
        model.transfers().onNotice(this::notify);
        model.transfers().offers().addListener((javafx.collections.ListChangeListener<IncomingOffer>) change -> {
            while (change.next()) {
                if (change.wasAdded()) {
                    tabs.getSelectionModel().select(transfersTab);
                }
            }
        });
        tabs.setId("detailTabs");

        VBox center = new VBox(8, diagram, chart, tabs);
        center.getStyleClass().add("center");
        VBox.setVgrow(tabs, Priority.ALWAYS);

        peers = new PeersPane(model, actions, () -> openPairing(false));
        RelayPane relay = new RelayPane(model.relay());
        VBox right = new VBox(relay);
        right.getStyleClass().add("side");
        SplitPane split = new SplitPane(peers, center, right);
        split.setDividerPositions(0.22, 0.74);
        SplitPane.setResizableWithParent(peers, false);
        SplitPane.setResizableWithParent(right, false);

        StatusBar status = new StatusBar();
        status.setId("statusBar");
        status.textProperty().bind(model.statusProperty());

        BorderPane root = new BorderPane(split);
        root.setTop(menus(peers));
        root.setBottom(status);
        scene = new Scene(root, 1280, 800);
        applyTheme(actions.settings().theme());
        stage.setTitle("Punchline");
        stage.setScene(scene);
        stage.setMinWidth(960);
        stage.setMinHeight(640);
    }

    Scene scene() {
        return scene;
    }

    void applyTheme(String theme) {
        Themes.apply(scene, theme);
        Palette palette = Themes.isDark(theme) ? Palette.DARK : Palette.LIGHT;
        diagram.setPalette(palette);
        chart.setPalette(palette);
    }

    private MenuBar menus(PeersPane peers) {
        MenuItem settings = new MenuItem("_Settings…");
        settings.setId("menuSettings");
        settings.setAccelerator(KeyCombination.keyCombination("Shortcut+Comma"));
        settings.setOnAction(e -> openSettings());
        MenuItem quit = new MenuItem("_Quit");
        quit.setAccelerator(KeyCombination.keyCombination("Shortcut+Q"));
        quit.setOnAction(e -> stage.close());
        Menu file = new Menu("_File", null, settings, new SeparatorMenuItem(), quit);

        MenuItem dial = new MenuItem("_Dial a contact");
        dial.setAccelerator(KeyCombination.keyCombination("Shortcut+D"));
        dial.setOnAction(e -> peers.contact.requestFocus());
        MenuItem copyOwn = new MenuItem("_Copy my contact");
        copyOwn.setAccelerator(KeyCombination.keyCombination("Shortcut+Shift+C"));
        copyOwn.disableProperty().bind(model.relay().ownContactProperty().isEmpty());
        copyOwn.setOnAction(e -> RelayPane.copy(model.relay().ownContactProperty().get()));
        MenuItem copyRelay = new MenuItem("Copy _relay contact");
        copyRelay.disableProperty().bind(model.relay().contactProperty().isEmpty());
        copyRelay.setOnAction(e -> RelayPane.copy(model.relay().contactProperty().get()));
        MenuItem test = new MenuItem("Send _test data to the peer");
        test.setAccelerator(KeyCombination.keyCombination("Shortcut+T"));
        test.setOnAction(e -> {
            if (model.selected() != null && model.selected().openProperty().get()) {
                actions.sendTestData(model.selected().peer());
            }
        });
        MenuItem pair = new MenuItem("_Pair with a device…");
        pair.setId("menuPair");
        pair.setAccelerator(KeyCombination.keyCombination("Shortcut+P"));
        pair.setOnAction(e -> openPairing(false));
        MenuItem enterCode = new MenuItem("_Enter a pairing code…");
        enterCode.setAccelerator(KeyCombination.keyCombination("Shortcut+Shift+P"));
        enterCode.setOnAction(e -> openPairing(true));
        MenuItem send = new MenuItem("Send _files to the selected peer…");
        send.setAccelerator(KeyCombination.keyCombination("Shortcut+O"));
        send.setOnAction(e -> ((javafx.scene.control.Button) peers.lookup("#sendFilesButton")).fire());
        Menu connection = new Menu("_Connection", null, pair, enterCode, send, new SeparatorMenuItem(), dial, test,
                new SeparatorMenuItem(), copyOwn, copyRelay);

        ToggleGroup themes = new ToggleGroup();
        Menu view = new Menu("_View");
        for (String theme : new String[]{Settings.SYSTEM, Settings.LIGHT, Settings.DARK}) {
            RadioMenuItem item = new RadioMenuItem(Character.toUpperCase(theme.charAt(0)) + theme.substring(1) + " theme");
            item.setToggleGroup(themes);
            item.setSelected(theme.equals(actions.settings().theme()));
            item.setOnAction(e -> {
                applyTheme(theme);
                actions.apply(actions.settings().withTheme(theme));
            });
            view.getItems().add(item);
        }
        MenuItem candidates = new MenuItem("Show c_andidates");
        candidates.setAccelerator(KeyCombination.keyCombination("Shortcut+1"));
        candidates.setOnAction(e -> tabs.getSelectionModel().select(0));
        MenuItem rounds = new MenuItem("Show punch _rounds");
        rounds.setAccelerator(KeyCombination.keyCombination("Shortcut+2"));
        rounds.setOnAction(e -> tabs.getSelectionModel().select(1));
        MenuItem showTransfers = new MenuItem("Show _transfers");
        showTransfers.setAccelerator(KeyCombination.keyCombination("Shortcut+3"));
        showTransfers.setOnAction(e -> tabs.getSelectionModel().select(2));
        view.getItems().addAll(new SeparatorMenuItem(), candidates, rounds, showTransfers);

        MenuItem about = new MenuItem("_About Punchline");
        about.setOnAction(e -> {
            Alert alert = new Alert(Alert.AlertType.INFORMATION,
                    "Punchline " + Version.current() + "\nPost-quantum peer-to-peer connections: "
                            + "MASQUE relay, hole punching.\nIdentity: " + model.identityProperty().get(), ButtonType.OK);
            alert.initOwner(stage);
            alert.setHeaderText("Punchline");
            alert.showAndWait();
        });
        Menu help = new Menu("_Help", null, about);
        MenuBar bar = new MenuBar(file, connection, view, help);
        bar.setId("menuBar");
        return bar;
    }

    /** Opens the pairing dialog (or brings the open one forward), showing a code or asking for one. */
    PairingDialog openPairing(boolean enterCode) {
        if (pairingDialog != null && pairingDialog.isShowing()) {
            pairingDialog.getDialogPane().getScene().getWindow().requestFocus();
            return pairingDialog;
        }
        pairingDialog = new PairingDialog(stage, new PairingModel(actions, Platform::runLater, System::currentTimeMillis),
                enterCode);
        pairingDialog.initModality(javafx.stage.Modality.NONE);
        pairingDialog.show();
        return pairingDialog;
    }

    /** A desktop notification (ControlsFX) and the status bar. */
    private void notify(TransferList.Notice notice) {
        model.statusProperty().set(notice.title() + ": " + notice.text());
        try {
            Notifications note = Notifications.create()
                    .owner(stage).title(notice.title()).text(notice.text())
                    .hideAfter(javafx.util.Duration.seconds(6));
            if (notice.failure()) {
                note.showWarning();
            } else {
                note.showInformation();
            }
        } catch (RuntimeException e) {
            // no notification where popups cannot show; the status bar has it
        }
    }

    /** Opens the settings dialog after the current event (menu actions and tests). */
    void openSettingsLater() {
        Platform.runLater(this::openSettings);
    }

    void openSettings() {
        SettingsDialog dialog = new SettingsDialog(stage, actions.settings(), model.identityProperty().get());
        Consumer<Settings> save = next -> {
            String error = actions.apply(next);
            if (error != null) {
                Alert alert = new Alert(Alert.AlertType.ERROR, error, ButtonType.OK);
                alert.initOwner(stage);
                alert.showAndWait();
            } else {
                applyTheme(next.theme());
            }
        };
        dialog.showAndWait().ifPresent(save);
    }
}
