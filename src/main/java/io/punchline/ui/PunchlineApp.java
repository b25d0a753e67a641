package io.punchline.ui;

import io.punchline.config.DataFolders;
import io.punchline.ui.model.DashboardModel;
import io.punchline.ui.settings.Profile;
import io.punchline.ui.settings.Settings;
import io.punchline.ui.settings.SettingsStore;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.image.Image;
import javafx.stage.Stage;

import java.net.InetAddress;
import java.net.InetSocketAddress;

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
                new InetSocketAddress(0), InetAddress.getByName("0.0.0.0"));
        MainWindow window = new MainWindow(stage, model, actions(controller, getHostServices()));
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

    /** The window's actions backed by a controller. */
    static MainWindow.Actions actions(WindowController controller) {
        return actions(controller, null);
    }

    /** The window's actions backed by a controller; folders open through {@code host} when there is one. */
    static MainWindow.Actions actions(WindowController controller, javafx.application.HostServices host) {
        return new MainWindow.Actions() {
            @Override
            public void dial(String contact) {
                controller.dial(contact);
            }

            @Override
            public void sendTestData(String peer) {
                controller.sendTestData(peer);
            }

            @Override
            public String apply(Settings settings) {
                return controller.apply(settings);
            }

            @Override
            public Settings settings() {
                return controller.settingsProperty().get();
            }

            @Override
            public io.punchline.engine.PairingInvite invite() throws Exception {
                return controller.invite();
            }

            @Override
            public java.util.concurrent.CompletableFuture<io.punchline.pairing.RememberedPeers.Peer> join(String code) {
                return controller.join(code);
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> renamePeer(String name, String newName) {
                return controller.renamePeer(name, newName);
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> forgetPeer(String name) {
                return controller.forgetPeer(name);
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> sendFiles(String peerName, java.util.List<java.nio.file.Path> paths) {
                return controller.sendFiles(peerName, paths);
            }

            @Override
            public void accept(io.punchline.transfer.IncomingOffer offer, java.nio.file.Path folder, java.util.Set<String> selection) {
                controller.accept(offer, folder, selection);
            }

            @Override
            public void decline(io.punchline.transfer.IncomingOffer offer) {
                controller.decline(offer);
            }

            @Override
            public void cancelTransfer(String id) {
                controller.cancelTransfer(id);
            }

            @Override
            public void openFolder(String folder) {
                if (host == null || folder == null) {
                    return;
                }
                try {
                    host.showDocument(java.nio.file.Path.of(folder).toUri().toString());
                } catch (RuntimeException e) {
                    controller.status("Could not open " + folder + ": " + e.getMessage());
                }
            }
        };
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
