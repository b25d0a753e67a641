package io.punchline.relay;

import io.punchline.crypto.PeerId;

import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who may hold a bind (or any CONNECT-UDP request) on a relay embedded for one device (docs/SECURITY.md section 6.5):
 * <ul>
 *   <li>the owner: the device whose window or {@code punchline send/receive} runs the relay;</li>
 *   <li>the peers the owner remembers (read at each request, so a peer paired a moment ago is served);</li>
 *   <li>a guest, any authenticated PeerId, only while the owner has a pairing code open in this relay's mailbox: the
 *       device about to join that code binds before it claims the code (its card names its bind), so the relay cannot
 *       yet know which PeerId that is. At most {@code maxGuests} guest requests are open at once.</li>
 * </ul>
 * Relay authentication and the pairing mailbox stay open to every authenticated PeerId, rate limited as on any relay:
 * a device that wants to pair needs them before it is anyone the owner knows.
 *
 * @param owner      the owner's PeerId
 * @param remembered the PeerIds the owner remembers now
 * @param maxGuests  guest requests open at once, in all
 */
public record OwnerScope(PeerId owner, Supplier<Set<PeerId>> remembered, int maxGuests) {

    public OwnerScope {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(remembered, "remembered");
        if (maxGuests < 0) {
            throw new IllegalArgumentException("guests must not be negative");
        }
    }

    /** The owner or a peer it remembers: served at any time. */
    public boolean isMember(PeerId peer) {
        return peer != null && (owner.equals(peer) || remembered.get().contains(peer));
    }

    /** What a refused client is told. */
    static final String REFUSAL = "this embedded relay serves only its own device, the peers that device remembers and "
            + "a device joining that device's open pairing code";
}
