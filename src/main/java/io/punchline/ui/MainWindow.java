package io.punchline.ui;

import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.settings.Settings;
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
import org.controlsfx.control.StatusBar;

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

    /** What the window asks of its controller. */
    interface Actions {
        void dial(String contact);

        /** Sends test data to a peer (checked by SHA-256 on its side). */
        void sendTestData(String peer);

        /** Saves settings; returns an error message or null. */
        String apply(Settings settings);

        Settings settings();
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
        tabs.getTabs().setAll(candidates, rounds);
        tabs.setId("detailTabs");

        VBox center = new VBox(8, diagram, chart, tabs);
        center.getStyleClass().add("center");
        VBox.setVgrow(tabs, Priority.ALWAYS);

        PeersPane peers = new PeersPane(model, actions::dial, actions::sendTestData);
        RelayPane relay = new RelayPane(model.relay());
        VBox right = new VBox(relay);
        right.getStyleClass().add("side");
        SplitPane split = new SplitPane(peers, center, right);
        split.setDividerPositions(0.2, 0.72);
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
        Menu connection = new Menu("_Connection", null, dial, test, new SeparatorMenuItem(), copyOwn, copyRelay);

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
        view.getItems().addAll(new SeparatorMenuItem(), candidates, rounds);

        MenuItem about = new MenuItem("_About Punchline");
        about.setOnAction(e -> {
            Alert alert = new Alert(Alert.AlertType.INFORMATION,
                    "Punchline " + io.punchline.Version.current() + "\nPost-quantum peer-to-peer connections: "
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

    /** Opens the settings dialog after the current event (menu actions and tests). */
    void openSettingsLater() {
        javafx.application.Platform.runLater(this::openSettings);
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
