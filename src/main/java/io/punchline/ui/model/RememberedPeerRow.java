package io.punchline.ui.model;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.time.Duration;
import java.time.Instant;

/** A paired peer as the peers pane lists it: its name, and online (an open session) or when it was last seen. */
public final class RememberedPeerRow {

    private final String fingerprint;
    private final StringProperty name = new SimpleStringProperty();
    private final StringProperty lastSeen = new SimpleStringProperty("");
    private final BooleanProperty online = new SimpleBooleanProperty();

    public RememberedPeerRow(String name, String fingerprint, String lastSeen) {
        this.fingerprint = fingerprint;
        this.name.set(name);
        this.lastSeen.set(lastSeen == null ? "" : lastSeen);
    }

    public String fingerprint() {
        return fingerprint;
    }

    public StringProperty nameProperty() {
        return name;
    }

    public String name() {
        return name.get();
    }

    /** ISO-8601 instant of the last contact. */
    public StringProperty lastSeenProperty() {
        return lastSeen;
    }

    public BooleanProperty onlineProperty() {
        return online;
    }

    /** "online" or "last seen 5 min ago". */
    public String status(Instant now) {
        if (onlineProperty().get()) {
            return "● online";
        }
        try {
            Duration ago = Duration.between(Instant.parse(lastSeenProperty().get()), now);
            long minutes = Math.max(0, ago.toMinutes());
            String when = minutes < 1 ? "just now" : minutes < 60 ? minutes + " min ago"
                    : minutes < 48 * 60 ? ago.toHours() + " h ago" : ago.toDays() + " days ago";
            return "○ last seen " + when;
        } catch (RuntimeException e) {
            return "○ offline";
        }
    }

    @Override
    public String toString() {
        return name.get();
    }
}
