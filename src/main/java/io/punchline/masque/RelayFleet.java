package io.punchline.masque;

import io.punchline.crypto.PeerId;
import io.punchline.tls.CertificateFingerprint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The relays a client may bind on: one relay, or the relays of a fleet (docs/RELAY.md section 10), which share one
 * identity and so differ only in {@code HOST:PORT}. Written as a comma-separated list whose entries are whole contacts
 * or bare {@code HOST:PORT}s taking the pins of the others:
 * {@code HOST:PORT,HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID}. One contact alone is the old single-relay form.
 *
 * @param relays in the order given, at least one, each address once, all with the same pins
 */
public record RelayFleet(List<RelayAddress> relays) {

    static final String FORM = "HOST:PORT[,HOST:PORT...]#TLS_FINGERPRINT#RELAY_PEER_ID";

    public RelayFleet {
        if (relays == null || relays.isEmpty()) {
            throw new IllegalArgumentException("a relay list needs at least one relay");
        }
        relays = List.copyOf(relays);
        RelayAddress first = relays.get(0);
        Set<String> seen = new HashSet<>();
        for (RelayAddress relay : relays) {
            if (!seen.add(relay.authority())) {
                throw new IllegalArgumentException("relay " + relay.authority() + " is listed twice");
            }
            if (!relay.fingerprint().equals(first.fingerprint()) || !Objects.equals(relay.relayPeer(), first.relayPeer())) {
                throw new IllegalArgumentException("relays " + first.authority() + " and " + relay.authority()
                        + " have different pins (#TLS_FINGERPRINT#RELAY_PEER_ID): the relays of a fleet share one identity");
            }
        }
    }

    /** One relay. */
    public static RelayFleet of(RelayAddress relay) {
        return new RelayFleet(List.of(relay));
    }

    /**
     * Parses one contact ({@link RelayAddress#parse}) or a comma-separated list of them, where entries without pins
     * ({@code HOST:PORT}) take the pins the others give; messages say what is wrong.
     */
    public static RelayFleet parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no relay given; use " + FORM);
        }
        String[] entries = text.trim().split(",", -1);
        String pins = null;
        for (String entry : entries) {
            if (entry.isBlank()) {
                throw new IllegalArgumentException("relay list '" + text + "' has an empty entry; use " + FORM);
            }
            int hash = entry.indexOf('#');
            if (hash >= 0 && pins == null) {
                pins = entry.substring(hash).trim(); // the constructor checks that the others' pins are the same
            }
        }
        if (pins == null) {
            throw new IllegalArgumentException("relay list '" + text + "' has no #TLS_FINGERPRINT#RELAY_PEER_ID; use "
                    + FORM + " as the relay printed it");
        }
        List<RelayAddress> relays = new ArrayList<>();
        for (String entry : entries) {
            String contact = entry.indexOf('#') >= 0 ? entry : entry.trim() + pins;
            try {
                relays.add(RelayAddress.parse(contact));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(entries.length == 1 ? e.getMessage()
                        : "relay list entry '" + entry.trim() + "': " + e.getMessage(), e);
            }
        }
        return new RelayFleet(relays);
    }

    /** The first relay given. */
    public RelayAddress first() {
        return relays.get(0);
    }

    public int size() {
        return relays.size();
    }

    /** The pinned TLS certificate fingerprint, the same for every relay of the list. */
    public CertificateFingerprint fingerprint() {
        return first().fingerprint();
    }

    /** The pinned relay PeerId, the same for every relay of the list; null for an anonymous-only contact. */
    public PeerId relayPeer() {
        return first().relayPeer();
    }

    /** The relays' {@code HOST:PORT}s, comma-separated. */
    public String authorities() {
        return relays.stream().map(RelayAddress::authority).collect(Collectors.joining(","));
    }

    /** One contact as {@link RelayAddress#toString}; a fleet as {@code HOST:PORT,HOST:PORT#FINGERPRINT#PEER_ID}. */
    @Override
    public String toString() {
        String contact = first().toString();
        return authorities() + contact.substring(first().authority().length());
    }
}
