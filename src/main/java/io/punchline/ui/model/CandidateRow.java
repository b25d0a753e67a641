package io.punchline.ui.model;

import io.punchline.engine.EngineEvent.CandidateType;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;

/** One candidate address of a session, ours or the peer's: a row of the candidates table. */
public final class CandidateRow {

    private final boolean local;
    private final CandidateType type;
    private final String address;
    private final ObjectProperty<CandidateState> state = new SimpleObjectProperty<>(CandidateState.NEW);
    private final LongProperty lastRttMillis = new SimpleLongProperty(-1);
    private final BooleanProperty live = new SimpleBooleanProperty();

    CandidateRow(boolean local, CandidateType type, String address) {
        this.local = local;
        this.type = type;
        this.address = address;
        if (type == CandidateType.RELAYED) {
            state.set(CandidateState.VALIDATED);
        }
    }

    public boolean local() {
        return local;
    }

    public String side() {
        return local ? "local" : "remote";
    }

    /** host, srflx, prflx or relay. */
    public String type() {
        return type.jsonName();
    }

    public String address() {
        return address;
    }

    public ObjectProperty<CandidateState> stateProperty() {
        return state;
    }

    public CandidateState state() {
        return state.get();
    }

    /** Last RTT measured to this (remote) candidate in milliseconds; -1 when none. */
    public LongProperty lastRttMillisProperty() {
        return lastRttMillis;
    }

    /** Whether the session's traffic goes over this candidate now. */
    public BooleanProperty liveProperty() {
        return live;
    }

    @Override
    public String toString() {
        return side() + " " + type() + " " + address + " " + state.get().label();
    }
}
