package io.punchline.ui;

import io.punchline.ui.settings.Settings;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

import java.io.File;

/**
 * Settings: relay (embedded or a remote one with its pins), download folder, device name, theme, port mapping; the
 * identity shown.
 */
final class SettingsDialog extends Dialog<Settings> {

    SettingsDialog(Window owner, Settings current, String identityFingerprint) {
        initOwner(owner);
        setTitle("Punchline settings");
        setHeaderText("Changes to the relay restart the engine; open sessions close.");
        ButtonType save = new ButtonType("_Save", ButtonBar.ButtonData.OK_DONE);
        getDialogPane().getButtonTypes().setAll(save, ButtonType.CANCEL);
        getDialogPane().setId("settingsDialog");

        ToggleGroup relayMode = new ToggleGroup();
        RadioButton embedded = new RadioButton("_Embedded relay (in this app)");
        embedded.setId("relayEmbedded");
        RadioButton remote = new RadioButton("_Remote relay:");
        remote.setId("relayRemote");
        embedded.setToggleGroup(relayMode);
        remote.setToggleGroup(relayMode);
        TextField relay = new TextField(current.relay() == null ? "" : current.relay());
        relay.setId("relayField");
        relay.setPromptText("HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID, or a fleet: HOST:PORT,HOST:PORT#…");
        relay.setPrefColumnCount(42);
        relay.disableProperty().bind(embedded.selectedProperty());
        (current.embeddedRelay() ? embedded : remote).setSelected(true);
        Spinner<Integer> port = new Spinner<>(0, 65535, current.embeddedRelayPort());
        port.setId("relayPort");
        port.setEditable(true);
        port.disableProperty().bind(remote.selectedProperty());

        TextField folder = new TextField(current.downloadFolder() == null ? "" : current.downloadFolder());
        folder.setId("downloadFolder");
        folder.setPromptText(new File(System.getProperty("user.home"), "Downloads").getPath());
        javafx.scene.control.Button browse = new javafx.scene.control.Button("_Browse…");
        browse.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Download folder");
            File chosen = chooser.showDialog(getDialogPane().getScene().getWindow());
            if (chosen != null) {
                folder.setText(chosen.getPath());
            }
        });
        TextField device = new TextField(current.deviceName() == null ? "" : current.deviceName());
        device.setId("deviceName");
        ChoiceBox<String> theme = new ChoiceBox<>();
        theme.setId("themeChoice");
        theme.getItems().setAll(Settings.SYSTEM, Settings.LIGHT, Settings.DARK);
        theme.setValue(current.theme());
        CheckBox portMapping = new CheckBox("Ask the _router to forward a port (PCP, NAT-PMP, UPnP)");
        portMapping.setId("portMapping");
        portMapping.setSelected(current.portMappingOn());
        TextField identity = new TextField(identityFingerprint);
        identity.setId("identityFingerprint");
        identity.setEditable(false);

        GridPane grid = new GridPane();
        grid.getStyleClass().add("facts");
        int row = 0;
        grid.add(embedded, 0, row++, 3, 1);
        grid.addRow(row++, new Label("Port it asks for"), port);
        grid.add(remote, 0, row++, 3, 1);
        grid.add(relay, 0, row++, 3, 1);
        grid.addRow(row++, labelFor("Do_wnload folder", folder), folder, browse);
        grid.addRow(row++, labelFor("De_vice name", device), device);
        grid.addRow(row++, labelFor("_Theme", theme), theme);
        grid.add(portMapping, 0, row++, 3, 1);
        grid.addRow(row++, labelFor("_Identity (PeerId)", identity), identity);
        getDialogPane().setContent(grid);

        javafx.scene.Node saveButton = getDialogPane().lookupButton(save);
        saveButton.disableProperty().bind(remote.selectedProperty().and(relay.textProperty().isEmpty()));
        setResultConverter(button -> button != save ? null : new Settings(
                remote.isSelected() ? relay.getText().trim() : null,
                port.getValue(),
                folder.getText().isBlank() ? null : folder.getText().trim(),
                device.getText().isBlank() ? null : device.getText().trim(),
                theme.getValue(),
                portMapping.isSelected() ? null : Boolean.FALSE));
        setOnShown(e -> (current.embeddedRelay() ? embedded : relay).requestFocus());
    }

    private static Label labelFor(String text, javafx.scene.Node field) {
        Label label = new Label(text);
        label.setMnemonicParsing(true);
        label.setLabelFor(field);
        return label;
    }
}
