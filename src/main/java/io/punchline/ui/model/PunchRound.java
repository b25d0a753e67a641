package io.punchline.ui.model;

import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.List;

/**
 * One punch round of a session: when it began, the pairs it tried ({@code local->remote}), and how it ended; or one
 * attempt at hard-NAT punching (a "spray": ports opened, or ports probed), shown the same way.
 */
public final class PunchRound {

    public static final String RUNNING = "running";

    private final long round;
    private final long startedMillis;
    private final List<String> pairs;
    private final String label;
    private final StringProperty outcome = new SimpleStringProperty(RUNNING);
    private final StringProperty validatedPair = new SimpleStringProperty();
    private final LongProperty finishedMillis = new SimpleLongProperty(-1);

    PunchRound(long round, long startedMillis, List<String> pairs) {
        this(round, startedMillis, pairs, Long.toString(round));
    }

    PunchRound(long round, long startedMillis, List<String> pairs, String label) {
        this.round = round;
        this.startedMillis = startedMillis;
        this.pairs = List.copyOf(pairs);
        this.label = label;
    }

    /** What the round column shows: the round's number, or "spray". */
    public String label() {
        return label;
    }

    public long round() {
        return round;
    }

    public long startedMillis() {
        return startedMillis;
    }

    public List<String> pairs() {
        return pairs;
    }

    /** running, validated, failed or cancelled. */
    public StringProperty outcomeProperty() {
        return outcome;
    }

    public String outcome() {
        return outcome.get();
    }

    /** The remote address that answered, for a validated round. */
    public StringProperty validatedPairProperty() {
        return validatedPair;
    }

    public LongProperty finishedMillisProperty() {
        return finishedMillis;
    }

    void finish(String result, String pair, long millis) {
        outcome.set(result);
        validatedPair.set(pair);
        finishedMillis.set(millis);
    }
}
