package io.punchline.ui.model;

import io.punchline.engine.PairingInvite;
import io.punchline.pairing.PairingCode;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.RememberedPeers;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The pairing dialog's state, without nodes: "show my code" (a code created on the relay's mailbox, its countdown,
 * what happened) and "enter their code" (the typed code checked as it is typed, the join and its outcome). The
 * dialog binds to these properties; everything here runs on the FX thread, and the network behind {@link Pairing}.
 */
public final class PairingModel {

    /** Where the model gets codes and pairs; futures complete on the FX thread. */
    public interface Pairing {
        CompletableFuture<PairingInvite> invite();

        CompletableFuture<RememberedPeers.Peer> join(String code);

        /** Voids a code nobody used (off the FX thread). */
        void cancel(PairingInvite invite);
    }

    /** How a sentence reads: plain, good news or a problem. */
    public enum Tone { PLAIN, OK, ERROR }

    static final String WAITING = "Waiting for the other side…";

    private final Pairing pairing;
    private final Executor fx;
    private final LongSupplier clock;
    private final StringProperty code = new SimpleStringProperty("");
    private final StringProperty countdown = new SimpleStringProperty("");
    private final StringProperty showStatus = new SimpleStringProperty("");
    private final ObjectProperty<Tone> showTone = new SimpleObjectProperty<>(Tone.PLAIN);
    private final BooleanProperty showBusy = new SimpleBooleanProperty(true);
    private final BooleanProperty newCodeOffered = new SimpleBooleanProperty();
    private final BooleanProperty counting = new SimpleBooleanProperty();
    private final StringProperty entered = new SimpleStringProperty("");
    private final StringProperty hint = new SimpleStringProperty("");
    private final ObjectProperty<Tone> hintTone = new SimpleObjectProperty<>(Tone.PLAIN);
    private final StringProperty joinStatus = new SimpleStringProperty("");
    private final ObjectProperty<Tone> joinTone = new SimpleObjectProperty<>(Tone.PLAIN);
    private final BooleanProperty joinable = new SimpleBooleanProperty();
    private final BooleanProperty joining = new SimpleBooleanProperty();
    private PairingInvite invite;
    private long expiresAt;
    private boolean open = true;

    /**
     * @param pairing the controller
     * @param fx      runs a task on the FX thread (the engine completes a code's pairing on its own threads)
     * @param clock   the time in milliseconds, for the countdown
     */
    public PairingModel(Pairing pairing, Executor fx, LongSupplier clock) {
        this.pairing = pairing;
        this.fx = fx;
        this.clock = clock;
        entered.addListener((o, old, now) -> validate(now));
    }

    /** Voids the current code if unused and asks the relay for a new one. */
    public void createCode() {
        cancelOpenInvite();
        counting.set(false);
        code.set("");
        countdown.set("");
        newCodeOffered.set(false);
        showBusy.set(true);
        showTone.set(Tone.PLAIN);
        showStatus.set("Creating a code on the relay…");
        pairing.invite().whenComplete((created, error) -> {
            if (!open) {
                if (created != null) {
                    pairing.cancel(created);
                }
                return;
            }
            if (error != null) {
                showFailed(message(error));
                return;
            }
            invite = created;
            expiresAt = clock.getAsLong() + created.lifetime().toMillis();
            code.set(created.code());
            tick();
            counting.set(true);
            showStatus.set(WAITING);
            created.paired().whenComplete((peer, failure) -> fx.execute(() -> pairedOrNot(created, peer, failure)));
        });
    }

    /** The "show my code" tab came into view: a code is created the first time. */
    public void showing() {
        if (invite == null && code.get().isEmpty()) {
            createCode();
        }
    }

    private void pairedOrNot(PairingInvite created, RememberedPeers.Peer peer, Throwable failure) {
        if (invite != created) {
            return; // a newer code, or the dialog closed
        }
        counting.set(false);
        if (failure != null) {
            code.set("");
            showFailed(message(failure));
        } else {
            showBusy.set(false);
            countdown.set("");
            showStatus.set("Paired with " + peer.name() + ". You can send files to each other now.");
            showTone.set(Tone.OK);
        }
    }

    private void showFailed(String message) {
        showBusy.set(false);
        countdown.set("");
        showStatus.set(message);
        showTone.set(Tone.ERROR);
        newCodeOffered.set(true);
    }

    /** The code went to the clipboard. */
    public void copied() {
        if (!code.get().isEmpty()) {
            showStatus.set("Code copied. " + WAITING);
        }
    }

    /** Brings the countdown up to date (the dialog calls it every second while {@link #countingProperty} holds). */
    public void tick() {
        long left = Math.max(0, (expiresAt - clock.getAsLong() + 999) / 1000);
        countdown.set(left > 0 ? String.format("Expires in %d:%02d", left / 60, left % 60) : "Expired");
        if (left == 0) {
            counting.set(false);
        }
    }

    private void validate(String text) {
        joinStatus.set("");
        if (text == null || text.isBlank()) {
            hint.set("");
            joinable.set(false);
            return;
        }
        try {
            PairingCode parsed = PairingCode.parse(text);
            hint.set("✓ " + parsed);
            hintTone.set(Tone.OK);
            joinable.set(!joining.get());
        } catch (IllegalArgumentException e) {
            hint.set(e.getMessage());
            hintTone.set(Tone.ERROR);
            joinable.set(false);
        }
    }

    /** Pairs with the code entered, when it is a well-formed one and no join is running. */
    public void join() {
        if (!joinable.get()) {
            return;
        }
        joining.set(true);
        joinable.set(false);
        joinTone.set(Tone.PLAIN);
        joinStatus.set("Pairing: proving both sides know the code…");
        pairing.join(entered.get()).whenComplete((peer, error) -> {
            joining.set(false);
            if (error != null) {
                joinStatus.set(message(error));
                joinTone.set(Tone.ERROR);
                joinable.set(true);
            } else {
                joinStatus.set("Paired with " + peer.name() + ". You can send files to each other now.");
                joinTone.set(Tone.OK);
            }
        });
    }

    /** The dialog closed: a code nobody used is voided, and a code arriving later too. */
    public void closed() {
        open = false;
        counting.set(false);
        cancelOpenInvite();
    }

    private void cancelOpenInvite() {
        PairingInvite previous = invite;
        invite = null;
        if (previous != null && !previous.paired().isDone()) {
            pairing.cancel(previous);
        }
    }

    /** What a pairing failure says to people. */
    public static String message(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof PairingException failure) {
            if (failure.reason() == PairingException.Reason.PEER_GAVE_WRONG_CODE) {
                return "The other side entered a wrong code, or someone else tried to guess it; this code is now void."
                        + " Make a new code and read it again.";
            }
            String text = failure.getMessage();
            return text == null || text.isEmpty() ? "" : Character.toUpperCase(text.charAt(0)) + text.substring(1);
        }
        return "Pairing failed: " + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
    }

    /** The code shown, empty while none is. */
    public StringProperty codeProperty() {
        return code;
    }

    public StringProperty countdownProperty() {
        return countdown;
    }

    public StringProperty showStatusProperty() {
        return showStatus;
    }

    public ObjectProperty<Tone> showToneProperty() {
        return showTone;
    }

    public BooleanProperty showBusyProperty() {
        return showBusy;
    }

    /** A code failed or expired: "New code" is offered. */
    public BooleanProperty newCodeOfferedProperty() {
        return newCodeOffered;
    }

    /** A code is shown and counting down. */
    public BooleanProperty countingProperty() {
        return counting;
    }

    /** The code typed on "enter their code" (the dialog binds its field both ways). */
    public StringProperty enteredProperty() {
        return entered;
    }

    public StringProperty hintProperty() {
        return hint;
    }

    public ObjectProperty<Tone> hintToneProperty() {
        return hintTone;
    }

    public StringProperty joinStatusProperty() {
        return joinStatus;
    }

    public ObjectProperty<Tone> joinToneProperty() {
        return joinTone;
    }

    /** The entered code is well formed and no join runs. */
    public BooleanProperty joinableProperty() {
        return joinable;
    }

    /** A join runs: the field is read-only and busy shows. */
    public BooleanProperty joiningProperty() {
        return joining;
    }
}
