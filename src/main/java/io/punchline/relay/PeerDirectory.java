package io.punchline.relay;

import io.punchline.crypto.PeerId;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Where {@code peers/find} looks for a remembered peer's bind (docs/SECURITY.md section 7.5): this relay's own binds
 * ({@link LocalPeerDirectory}, the default) or the binds of every relay of a fleet, in its shared store
 * ({@link RedisPeerDirectory}). A find names the target's newest bind, and only to a PeerId the target allowed with
 * {@code peers/allow}.
 */
interface PeerDirectory {

    /**
     * Makes these authenticated binds findable, with their connection's finders: a bind opened, its connection's
     * finders changed, or the periodic refresh. Completes when the store took them; fails with
     * {@link StoreUnavailableException}.
     */
    CompletableFuture<Void> publish(Collection<BindTunnel> binds);

    /** This bind closed: it is no longer findable (a newer bind of the same peer stays). */
    void withdraw(BindTunnel bind);

    /** The public address of {@code target}'s newest bind that {@code asker} may find, or null. */
    InetSocketAddress find(PeerId target, PeerId asker);
}
