package io.punchline.ui.model;

import io.punchline.engine.EngineEvent.Direction;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One file transfer as the transfers tab shows it, fed by {@code transfer.*} events through {@link TransferList} on the
 * FX thread.
 */
public final class TransferRow {

    /** Where a transfer is. */
    public enum State {
        HASHING("hashing"), OFFERED("waiting for an answer"), RUNNING("running"), DONE("done"), FAILED("failed"),
        CANCELLED("cancelled"), DECLINED("declined");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public boolean ended() {
            return this == DONE || this == FAILED || this == CANCELLED || this == DECLINED;
        }
    }

    public static final Direction IN = Direction.IN;
    public static final Direction OUT = Direction.OUT;

    private final String id;
    private final ObjectProperty<Direction> direction = new SimpleObjectProperty<>(OUT);
    private final StringProperty peer = new SimpleStringProperty("");
    private final StringProperty peerName = new SimpleStringProperty("");
    private final IntegerProperty files = new SimpleIntegerProperty();
    private final LongProperty bytes = new SimpleLongProperty();
    private final LongProperty total = new SimpleLongProperty(-1);
    private final LongProperty bytesPerSecond = new SimpleLongProperty();
    private final StringProperty networkPath = new SimpleStringProperty("");
    private final StringProperty currentFile = new SimpleStringProperty("");
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(State.OFFERED);
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty folder = new SimpleStringProperty();

    public TransferRow(String id) {
        this.id = id;
    }

    /** The transfer ID in hex, as the events name it. */
    public String id() {
        return id;
    }

    /** IN (a peer sends to us) or OUT. */
    public ObjectProperty<Direction> directionProperty() {
        return direction;
    }

    public Direction direction() {
        return direction.get();
    }

    /** The peer's fingerprint. */
    public StringProperty peerProperty() {
        return peer;
    }

    /** The remembered name of the peer (else a short fingerprint). */
    public StringProperty peerNameProperty() {
        return peerName;
    }

    public IntegerProperty filesProperty() {
        return files;
    }

    /** Payload bytes moved (or hashed, while hashing). */
    public LongProperty bytesProperty() {
        return bytes;
    }

    /** Bytes to move, -1 while unknown. */
    public LongProperty totalProperty() {
        return total;
    }

    public LongProperty bytesPerSecondProperty() {
        return bytesPerSecond;
    }

    /** "relay" or "direct" while moving. */
    public StringProperty networkPathProperty() {
        return networkPath;
    }

    public StringProperty currentFileProperty() {
        return currentFile;
    }

    public ObjectProperty<State> stateProperty() {
        return state;
    }

    public State state() {
        return state.get();
    }

    /** How it ended, for people. */
    public StringProperty messageProperty() {
        return message;
    }

    /** The folder to open when done: where received files went, or where sent ones came from; null if unknown. */
    public StringProperty folderProperty() {
        return folder;
    }

    /** 0..1, or -1 while unknown. */
    public double fraction() {
        if (state.get() == State.DONE) {
            return 1;
        }
        long t = total.get();
        return t > 0 ? Math.min(1, (double) bytes.get() / t) : -1;
    }
}
