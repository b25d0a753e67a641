package io.punchline.ui;

import io.punchline.engine.PairingInvite;
import io.punchline.pairing.PairingCode;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.PairingWords;
import io.punchline.pairing.RememberedPeers;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Pairing with another device by a one-time code: "Show my code" creates an invite on the relay's mailbox and shows the
 * code large, copyable, with a countdown; "Enter their code" takes the other side's code with word completion and
 * checks it as it is typed. Everything that touches the network runs on {@code background}; results come back to the
 * FX thread. Closing the dialog voids a code nobody used.
 */
final class PairingDialog extends Dialog<Void> {

    /** Where the dialog gets codes and pairs. */
    interface Pairing {
        PairingInvite invite() throws Exception;

        CompletableFuture<RememberedPeers.Peer> join(String code);
    }

    private final Pairing pairing;
    private final Executor background;
    private final TabPane tabs = new TabPane();
    final TextField code = new TextField();
    private final Label countdown = new Label();
    private final Label showStatus = new Label();
    private final Button newCode = new Button("_New code");
    private final Button copy = new Button("_Copy");
    private final ProgressIndicator showBusy = new ProgressIndicator();
    final TextField entered = new TextField();
    private final Label hint = new Label();
    private final Label joinStatus = new Label();
    private final Button join = new Button("_Pair");
    private final ProgressIndicator joinBusy = new ProgressIndicator();
    private final Timeline ticker = new Timeline();
    private PairingInvite invite;
    private long expiresAt;
    private boolean joining;

    PairingDialog(Window owner, Pairing pairing, Executor background, boolean enterCode) {
        this.pairing = pairing;
        this.background = background;
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
        copy.setId("copyCode");
        copy.disableProperty().bind(code.textProperty().isEmpty());
        copy.setOnAction(e -> copyCode());
        countdown.setId("codeCountdown");
        showStatus.setId("showStatus");
        showStatus.setWrapText(true);
        newCode.setId("newCode");
        newCode.setOnAction(e -> createCode());
        newCode.setVisible(false);
        newCode.managedProperty().bind(newCode.visibleProperty());
        showBusy.setPrefSize(18, 18);
        VBox show = new VBox(10, new Label("Read this code to the other person; they choose \"Enter their code\":"),
                new HBox(8, code, copy), countdown, new HBox(8, showBusy, showStatus), newCode);
        show.getStyleClass().add("pairing-pane");

        entered.setId("codeField");
        entered.setPromptText("42-word-word-word-word");
        entered.setPrefColumnCount(30);
        TextFields.bindAutoCompletion(entered, request -> suggestions(request.getUserText()));
        entered.textProperty().addListener((o, old, now) -> validate(now));
        entered.setOnAction(e -> {
            if (!join.isDisabled()) {
                joinNow();
            }
        });
        hint.setId("codeHint");
        hint.setWrapText(true);
        joinStatus.setId("joinStatus");
        joinStatus.setWrapText(true);
        join.setId("joinButton");
        join.setDefaultButton(false);
        join.setDisable(true);
        join.setOnAction(e -> joinNow());
        joinBusy.setPrefSize(18, 18);
        joinBusy.setVisible(false);
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
            if (now.intValue() == 0 && invite == null && code.getText().isEmpty()) {
                createCode();
            }
        });

        ticker.getKeyFrames().add(new KeyFrame(Duration.seconds(1), e -> tick()));
        ticker.setCycleCount(Timeline.INDEFINITE);
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
                createCode();
            }
        });
        setOnHidden(e -> {
            ticker.stop();
            PairingInvite open = invite;
            invite = null;
            if (open != null && !open.paired().isDone()) {
                background.execute(open::cancel);
            }
        });
        setResultConverter(button -> null);
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

    private void validate(String text) {
        joinStatus.setText("");
        if (text == null || text.isBlank()) {
            hint.setText("");
            join.setDisable(true);
            return;
        }
        try {
            PairingCode parsed = PairingCode.parse(text);
            hint.setText("✓ " + parsed);
            hint.getStyleClass().setAll("label", "hint-ok");
            join.setDisable(joining);
        } catch (IllegalArgumentException e) {
            hint.setText(e.getMessage());
            hint.getStyleClass().setAll("label", "hint-error");
            join.setDisable(true);
        }
    }

    private void copyCode() {
        if (!code.getText().isEmpty()) {
            ClipboardContent content = new ClipboardContent();
            content.putString(code.getText());
            Clipboard.getSystemClipboard().setContent(content);
            showStatus.setText("Code copied. " + waitingText());
        }
    }

    private String waitingText() {
        return "Waiting for the other side…";
    }

    void createCode() {
        PairingInvite previous = invite;
        invite = null;
        if (previous != null && !previous.paired().isDone()) {
            background.execute(previous::cancel);
        }
        ticker.stop();
        code.clear();
        countdown.setText("");
        newCode.setVisible(false);
        showBusy.setVisible(true);
        showStatus.setText("Creating a code on the relay…");
        CompletableFuture.supplyAsync(() -> {
            try {
                return pairing.invite();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, background).whenComplete((created, error) -> Platform.runLater(() -> {
            if (!isShowing()) {
                if (created != null) {
                    background.execute(created::cancel);
                }
                return;
            }
            if (error != null) {
                showFailed(message(error));
                return;
            }
            invite = created;
            code.setText(created.code());
            // the whole code must show: widen the field to it and let the dialog grow
            code.setPrefColumnCount(Math.max(26, created.code().length()));
            if (getDialogPane().getScene() != null && getDialogPane().getScene().getWindow() != null) {
                getDialogPane().getScene().getWindow().sizeToScene();
            }
            expiresAt = System.currentTimeMillis() + created.lifetime().toMillis();
            tick();
            ticker.play();
            showStatus.setText(waitingText());
            created.paired().whenComplete((peer, failure) -> Platform.runLater(() -> {
                if (invite != created) {
                    return; // a newer code, or the dialog closed
                }
                ticker.stop();
                if (failure != null) {
                    code.setText("");
                    showFailed(message(failure));
                } else {
                    showBusy.setVisible(false);
                    countdown.setText("");
                    showStatus.setText("Paired with " + peer.name() + ". You can send files to each other now.");
                    showStatus.getStyleClass().setAll("label", "hint-ok");
                }
            }));
        }));
    }

    private void showFailed(String message) {
        showBusy.setVisible(false);
        countdown.setText("");
        showStatus.setText(message);
        showStatus.getStyleClass().setAll("label", "hint-error");
        newCode.setVisible(true);
    }

    private void tick() {
        long left = Math.max(0, (expiresAt - System.currentTimeMillis() + 999) / 1000);
        countdown.setText(left > 0 ? String.format("Expires in %d:%02d", left / 60, left % 60) : "Expired");
        if (left == 0) {
            ticker.stop();
        }
    }

    private void joinNow() {
        String text = entered.getText();
        joining = true;
        join.setDisable(true);
        entered.setEditable(false);
        joinBusy.setVisible(true);
        joinStatus.getStyleClass().setAll("label");
        joinStatus.setText("Pairing: proving both sides know the code…");
        pairing.join(text).whenComplete((peer, error) -> Platform.runLater(() -> {
            joining = false;
            joinBusy.setVisible(false);
            entered.setEditable(true);
            if (error != null) {
                joinStatus.setText(message(error));
                joinStatus.getStyleClass().setAll("label", "hint-error");
                join.setDisable(false);
            } else {
                joinStatus.setText("Paired with " + peer.name() + ". You can send files to each other now.");
                joinStatus.getStyleClass().setAll("label", "hint-ok");
            }
        }));
    }

    /** What a pairing failure says to people. */
    static String message(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof PairingException pairing) {
            if (pairing.reason() == PairingException.Reason.PEER_GAVE_WRONG_CODE) {
                return "The other side entered a wrong code, or someone else tried to guess it; this code is now void."
                        + " Make a new code and read it again.";
            }
            return capitalize(pairing.getMessage());
        }
        return "Pairing failed: " + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
    }

    private static String capitalize(String text) {
        return text == null || text.isEmpty() ? "" : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** The code shown, for tests. */
    String shownCode() {
        return code.getText();
    }
}
