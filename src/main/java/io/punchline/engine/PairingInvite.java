package io.punchline.engine;

import io.punchline.pairing.RememberedPeers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A pairing code this engine created: {@link #code()} is what the user reads to the other person; {@link #paired()}
 * completes with the remembered peer once they entered it, or exceptionally with a
 * {@link io.punchline.pairing.PairingException} (wrong code, expired, cancelled).
 */
public final class PairingInvite {

    private final String code;
    private final Duration lifetime;
    private final CompletableFuture<RememberedPeers.Peer> paired;
    private final Runnable cancel;

    PairingInvite(String code, Duration lifetime, CompletableFuture<RememberedPeers.Peer> paired, Runnable cancel) {
        this.code = code;
        this.lifetime = lifetime;
        this.paired = paired;
        this.cancel = cancel;
    }

    public String code() {
        return code;
    }

    /** How long the code stays valid from its creation. */
    public Duration lifetime() {
        return lifetime;
    }

    public CompletableFuture<RememberedPeers.Peer> paired() {
        return paired;
    }

    /** Voids the code on the relay; {@link #paired()} fails with "cancelled". */
    public void cancel() {
        cancel.run();
    }
}
