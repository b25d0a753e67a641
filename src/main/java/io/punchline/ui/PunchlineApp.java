package io.punchline.ui;

import io.punchline.config.DataFolders;
import io.punchline.engine.EngineConfig;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.settings.Profile;
import io.punchline.ui.settings.SettingsStore;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.image.Image;
import javafx.stage.Stage;

import java.net.InetAddress;

/** The JavaFX application: a profile, its settings, the engine controller and the main window. */
public final class PunchlineApp extends Application {

    private Profile profile;
    private WindowController controller;

    @Override
    public void start(Stage stage) throws Exception {
        profile = Profile.open(DataFolders.config());
        DashboardModel model = new DashboardModel();
        SettingsStore store = new SettingsStore(profile.folder());
        controller = new WindowController(model, Platform::runLater, profile.folder(), profile.base(), store,
                EngineConfig.ALL_ADDRESSES, InetAddress.getByName("0.0.0.0"), getHostServices());
        new MainWindow(stage, model, controller);
        var icon = PunchlineApp.class.getResourceAsStream("icon-256.png");
        if (icon != null) {
            stage.getIcons().add(new Image(icon));
        }
        if (profile.instance() > 1) {
            stage.setTitle("Punchline (second window: profile " + profile.folder() + ")");
        }
        stage.show();
        controller.start();
    }

    @Override
    public void stop() {
        if (controller != null) {
            controller.close();
        }
        if (profile != null) {
            profile.close();
        }
    }
}
