package io.punchline.ui;

import io.punchline.pairing.PairingWords;
import io.punchline.ui.model.PairingModel;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.textfield.TextFields;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pairing with another device by a one-time code: "Show my code" creates an invite on the relay's mailbox and shows the
 * code large, copyable, with a countdown; "Enter their code" takes the other side's code with word completion and
 * checks it as it is typed. The view of a {@link PairingModel}, which holds the state and reaches the network; closing
 * the dialog voids a code nobody used.
 */
final class PairingDialog extends Dialog<Void> {

    private final PairingModel model;
    private final TabPane tabs = new TabPane();
    final TextField code = new TextField();
    final TextField entered = new TextField();
    private final Timeline ticker = new Timeline();

    PairingDialog(Window owner, PairingModel model, boolean enterCode) {
        this.model = model;
        initOwner(owner);
        setTitle("Pair with a device");
        setHeaderText("Pairing is done once per device: one side shows a code, the other enters it.");
        getDialogPane().getButtonTypes().setAll(ButtonType.CLOSE);
        getDialogPane().setId("pairingDialog");
        if (owner != null && owner.getScene() != null) {
            getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
        }
        getDialogPane().getStyleClass().add("pairing-dialog");

        code.setId("pairingCode");
        code.setEditable(false);
        code.getStyleClass().add("pairing-code");
        code.setPrefColumnCount(26);
        code.setFocusTraversable(false);
        code.textProperty().bind(model.codeProperty());
        code.textProperty().addListener((o, old, now) -> widenTo(now));
        Button copy = new Button("_Copy");
        copy.setId("copyCode");
        copy.disableProperty().bind(code.textProperty().isEmpty());
        copy.setOnAction(e -> copyCode());
        Label countdown = label("codeCountdown", model.countdownProperty());
        Label showStatus = label("showStatus", model.showStatusProperty());
        toned(showStatus, model.showToneProperty());
        Button newCode = new Button("_New code");
        newCode.setId("newCode");
        newCode.setOnAction(e -> model.createCode());
        newCode.visibleProperty().bind(model.newCodeOfferedProperty());
        newCode.managedProperty().bind(newCode.visibleProperty());
        ProgressIndicator showBusy = new ProgressIndicator();
        showBusy.setPrefSize(18, 18);
        showBusy.visibleProperty().bind(model.showBusyProperty());
        VBox show = new VBox(10, new Label("Read this code to the other person; they choose \"Enter their code\":"),
                new HBox(8, code, copy), countdown, new HBox(8, showBusy, showStatus), newCode);
        show.getStyleClass().add("pairing-pane");

        entered.setId("codeField");
        entered.setPromptText("42-word-word-word-word");
        entered.setPrefColumnCount(30);
        entered.textProperty().bindBidirectional(model.enteredProperty());
        entered.editableProperty().bind(model.joiningProperty().not());
        TextFields.bindAutoCompletion(entered, request -> suggestions(request.getUserText()));
        entered.setOnAction(e -> model.join());
        Label hint = label("codeHint", model.hintProperty());
        toned(hint, model.hintToneProperty());
        Label joinStatus = label("joinStatus", model.joinStatusProperty());
        toned(joinStatus, model.joinToneProperty());
        Button join = new Button("_Pair");
        join.setId("joinButton");
        join.setDefaultButton(false);
        join.disableProperty().bind(model.joinableProperty().not());
        join.setOnAction(e -> model.join());
        ProgressIndicator joinBusy = new ProgressIndicator();
        joinBusy.setPrefSize(18, 18);
        joinBusy.visibleProperty().bind(model.joiningProperty());
        VBox enter = new VBox(10, new Label("Type the code the other side shows (words complete as you type):"),
                new HBox(8, entered, join), hint, new HBox(8, joinBusy, joinStatus));
        enter.getStyleClass().add("pairing-pane");

        Tab showTab = new Tab("Show my code", show);
        showTab.setId("showCodeTab");
        Tab enterTab = new Tab("Enter their code", enter);
        enterTab.setId("enterCodeTab");
        showTab.setClosable(false);
        enterTab.setClosable(false);
        tabs.getTabs().setAll(showTab, enterTab);
        tabs.setPrefSize(560, 260);
        getDialogPane().setContent(tabs);
        tabs.getSelectionModel().selectedIndexProperty().addListener((o, old, now) -> {
            if (now.intValue() == 0) {
                model.showing();
            }
        });

        ticker.getKeyFrames().add(new KeyFrame(Duration.seconds(1), e -> model.tick()));
        ticker.setCycleCount(Timeline.INDEFINITE);
        model.countingProperty().addListener((o, was, now) -> {
            if (now) {
                ticker.play();
            } else {
                ticker.stop();
            }
        });
        setOnShown(e -> {
            getDialogPane().getScene().getAccelerators().put(new KeyCodeCombination(KeyCode.C,
                    KeyCombination.SHORTCUT_DOWN), () -> {
                if (tabs.getSelectionModel().getSelectedIndex() == 0) {
                    copyCode();
                } else {
                    entered.copy();
                }
            });
            if (enterCode) {
                tabs.getSelectionModel().select(1);
                entered.requestFocus();
            } else {
                model.createCode();
            }
        });
        setOnHidden(e -> model.closed());
        setResultConverter(button -> null);
    }

    private static Label label(String id, StringProperty text) {
        Label label = new Label();
        label.setId(id);
        label.setWrapText(true);
        label.textProperty().bind(text);
        return label;
    }

    /** A label's style follows its tone: {@code hint-ok}, {@code hint-error} or none. */
    private static void toned(Label label, ObjectProperty<PairingModel.Tone> tone) {
        tone.addListener((o, old, now) -> label.getStyleClass().setAll(switch (now) {
            case OK -> List.of("label", "hint-ok");
            case ERROR -> List.of("label", "hint-error");
            case PLAIN -> List.of("label");
        }));
    }

    /** The whole code must show: widen the field to it and let the dialog grow. */
    private void widenTo(String shown) {
        if (shown == null || shown.isEmpty()) {
            return;
        }
        code.setPrefColumnCount(Math.max(26, shown.length()));
        if (getDialogPane().getScene() != null && getDialogPane().getScene().getWindow() != null) {
            getDialogPane().getScene().getWindow().sizeToScene();
        }
    }

    /** Word completion: the typed text with its last word completed. */
    static List<String> suggestions(String typed) {
        List<String> out = new ArrayList<>();
        if (typed == null || typed.isBlank()) {
            return out;
        }
        int cut = Math.max(typed.lastIndexOf('-'), typed.lastIndexOf(' '));
        String last = typed.substring(cut + 1).toLowerCase(Locale.ROOT);
        if (last.isEmpty() || cut < 0 || !last.chars().allMatch(Character::isLetter)) {
            return out;
        }
        List<String> words = PairingWords.startingWith(last);
        if (words.size() == 1 && words.get(0).equals(last)) {
            return out;
        }
        for (String word : words.subList(0, Math.min(8, words.size()))) {
            out.add(typed.substring(0, cut + 1) + word);
        }
        return out;
    }

    private void copyCode() {
        if (!code.getText().isEmpty()) {
            ClipboardContent content = new ClipboardContent();
            content.putString(code.getText());
            Clipboard.getSystemClipboard().setContent(content);
            model.copied();
        }
    }

    /** The code shown, for tests. */
    String shownCode() {
        return code.getText();
    }
}
