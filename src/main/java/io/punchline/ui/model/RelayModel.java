package io.punchline.ui.model;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The relay session: which relay (and its pins), whether the bind holds, the public bind address, RTT and contexts. */
public final class RelayModel {

    private final StringProperty address = new SimpleStringProperty("");
    private final StringProperty tlsPin = new SimpleStringProperty("");
    private final StringProperty relayPeer = new SimpleStringProperty("");
    private final StringProperty contact = new SimpleStringProperty("");
    private final BooleanProperty embedded = new SimpleBooleanProperty();
    private final StringProperty origin = new SimpleStringProperty("");
    private final BooleanProperty connected = new SimpleBooleanProperty();
    private final StringProperty publicAddress = new SimpleStringProperty("");
    private final StringProperty lostReason = new SimpleStringProperty();
    private final LongProperty rttMillis = new SimpleLongProperty(-1);
    private final IntegerProperty contexts = new SimpleIntegerProperty(-1);
    private final StringProperty ownContact = new SimpleStringProperty("");

    /** HOST:PORT of the relay. */
    public StringProperty addressProperty() {
        return address;
    }

    /** SHA-256 fingerprint of the relay's TLS certificate, pinned. */
    public StringProperty tlsPinProperty() {
        return tlsPin;
    }

    /** The relay's ML-DSA-65 PeerId, pinned in relay authentication. */
    public StringProperty relayPeerProperty() {
        return relayPeer;
    }

    /** HOST:PORT#TLS_FP#RELAY_PEER_ID, for another installation's settings. */
    public StringProperty contactProperty() {
        return contact;
    }

    /** Whether this relay runs inside this process. */
    public BooleanProperty embeddedProperty() {
        return embedded;
    }

    /** A sentence on where the relay came from (configured, embedded, embedded on another port, shared). */
    public StringProperty originProperty() {
        return origin;
    }

    public BooleanProperty connectedProperty() {
        return connected;
    }

    public StringProperty publicAddressProperty() {
        return publicAddress;
    }

    public StringProperty lostReasonProperty() {
        return lostReason;
    }

    public LongProperty rttMillisProperty() {
        return rttMillis;
    }

    public IntegerProperty contextsProperty() {
        return contexts;
    }

    /** This engine's contact PEER@BIND@RELAY, which a peer dials. */
    public StringProperty ownContactProperty() {
        return ownContact;
    }

    /** Sets the relay and its pins from its {@code HOST:PORT#TLS_FP#RELAY_PEER_ID} form. */
    public void describe(String relayContact, boolean isEmbedded, String originText) {
        contact.set(relayContact);
        String[] parts = relayContact.split("#", -1);
        address.set(parts[0]);
        tlsPin.set(parts.length > 1 ? parts[1] : "");
        relayPeer.set(parts.length > 2 ? parts[2] : "");
        embedded.set(isEmbedded);
        origin.set(originText);
    }
}
