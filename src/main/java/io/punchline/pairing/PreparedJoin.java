package io.punchline.pairing;

import io.punchline.crypto.PeerId;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A code the user typed, with its Argon2id derivation ({@link PairingKeys}, docs/SECURITY.md section 7.2) already
 * running for the relay the join will use. The salt depends only on the code's nameplate and the relay's PeerId, which
 * the pinned relay contact names, so a joiner can derive while its engine starts and connects (issue 10: quick start).
 * The derivation runs on a daemon thread of its own; {@link #keysFor(PeerId)} hands its result to the join, or derives
 * again when the engine ended up on another relay (keys for the wrong relay would fail the claim and burn the code).
 */
public final class PreparedJoin {

    private final PairingCode code;
    private final PeerId relay;
    private final CompletableFuture<PairingKeys> keys;

    private PreparedJoin(PairingCode code, PeerId relay, CompletableFuture<PairingKeys> keys) {
        this.code = Objects.requireNonNull(code);
        this.relay = relay;
        this.keys = Objects.requireNonNull(keys);
    }

    /**
     * Starts deriving {@code code}'s keys for the mailbox of {@code relay} at once, on a thread named
     * {@code pairing-argon2id}. With a null {@code relay} (an anonymous-only relay address) nothing starts early.
     */
    public static PreparedJoin start(PairingCode code, PeerId relay) {
        if (relay == null) {
            return new PreparedJoin(code, null, new CompletableFuture<>());
        }
        return new PreparedJoin(code, relay, PairingKeys.deriveAsync(code, relay));
    }

    /** A join whose keys for {@code relay} come from {@code keys} (derived elsewhere, e.g. by the caller). */
    public static PreparedJoin of(PairingCode code, PeerId relay, CompletableFuture<PairingKeys> keys) {
        return new PreparedJoin(code, Objects.requireNonNull(relay), keys);
    }

    public PairingCode code() {
        return code;
    }

    /** The relay the keys are being derived for; null when none was known early. */
    public PeerId relay() {
        return relay;
    }

    /**
     * The keys for the mailbox of {@code actualRelay}: the prepared ones (waiting for them if they are still being
     * derived) when they were derived for that relay, otherwise derived now on the calling thread.
     */
    public PairingKeys keysFor(PeerId actualRelay) throws InterruptedException {
        if (relay == null || !relay.equals(actualRelay)) {
            keys.cancel(false);
            return PairingKeys.derive(code, actualRelay);
        }
        try {
            return keys.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("deriving the pairing keys failed", cause);
        } catch (CancellationException e) {
            return PairingKeys.derive(code, actualRelay);
        }
    }

    /** Stops waiting for the keys (the derivation itself runs to its end; its result is dropped). */
    public void cancel() {
        keys.cancel(false);
    }

    @Override
    public String toString() {
        return "PreparedJoin[nameplate " + code.nameplate() + "]";
    }
}
