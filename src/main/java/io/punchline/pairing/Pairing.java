package io.punchline.pairing;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.pairing.PairingException.Reason;
import io.punchline.session.PeerContact;
import io.punchline.wire.WireFormatException;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Pairing two devices with a code read from one screen and typed on the other (docs/SECURITY.md section 7):
 * <pre>
 *   creator                                relay mailbox                                 joiner
 *   allocate -----------------------------> nameplate N
 *   code = N-w1-w2-w3-w4; K = Argon2id(words, N, relay)
 *   put(SHA-256(proof_K), seal_K(creator card)) ->                 (the code travels by voice or on screen)
 *                                                               K' = Argon2id(typed words, N, relay)
 *                                           SHA-256(proof_K') = commitment? <------- claim(N, proof_K')
 *                                             no: burn(N), "wrong code" ------------------> WRONG_CODE
 *                                             yes: seal_K(creator card) ------------------> open with K'
 *                                                      answer(seal_K(joiner card)) <-----
 *   wait <------------------------------- joiner card, or "burnt" (someone entered a wrong code)
 * </pre>
 * Every seal draws its own random value into its key and IV (so one code never seals twice under one key and nonce),
 * and only a claim that proves the code gets the creator's card (so nobody without the code can take a nameplate, and
 * a guess burns it at once). See {@link PairingKeys}.
 * Both sides end holding the other's {@link PairingCard}: device name, ML-DSA-65 public key (so PeerId) and relay
 * contact; the post-quantum handshake then checks that PeerId on every connection.
 */
public final class Pairing {

    private Pairing() {
    }

    /** Who a pairing ends with. */
    public record Result(PairingCard peer) {
    }

    /** A created code, waiting for the other side; {@link #code()} is what the user reads out. */
    public static final class Offer {
        private final MailboxClient mailbox;
        private final PairingCode code;
        private final byte[] token;
        private final PairingKeys keys;
        private final long expiresAtNanos;

        private Offer(MailboxClient mailbox, PairingCode code, byte[] token, PairingKeys keys, Duration lifetime) {
            this.mailbox = mailbox;
            this.code = code;
            this.token = token;
            this.keys = keys;
            this.expiresAtNanos = System.nanoTime() + lifetime.toNanos();
        }

        public PairingCode code() {
            return code;
        }

        /**
         * Waits up to {@code timeout} for the joiner: its card, or PEER_GAVE_WRONG_CODE, CODE_EXPIRED, TIMEOUT (the
         * nameplate stays open then, and this may be called again until the code expires).
         */
        public Result await(Duration timeout) throws PairingException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new PairingException(Reason.TIMEOUT, "code " + code.nameplate() + " is still open until it expires");
                }
                MailboxProtocol.Progress progress = mailbox.await(code.nameplate(), token, Duration.ofNanos(left));
                if (progress.state() == MailboxProtocol.State.ANSWERED) {
                    return new Result(openCard(keys, PairingKeys.Side.JOINER, progress.sealed()));
                }
            }
        }

        /** Closes the nameplate (the user cancelled). */
        public void cancel() throws PairingException {
            mailbox.burn(code.nameplate(), token);
        }

        long expiresAtNanos() {
            return expiresAtNanos;
        }
    }

    /**
     * Opens a nameplate on the relay and deposits our sealed card.
     *
     * @param relayPeer the relay's PeerId (from its pinned contact): it is part of the code's salt
     * @param ourCard   our device name, public key and current contact
     */
    public static Offer create(MailboxClient mailbox, PeerId relayPeer, PairingCard ourCard, SecureRandom random)
            throws PairingException {
        MailboxProtocol.Allocated allocated = mailbox.allocate();
        PairingCode code = PairingCode.generate(allocated.nameplate(), random);
        PairingKeys keys = PairingKeys.derive(code, relayPeer);
        mailbox.put(code.nameplate(), allocated.token(), keys.claimCommitment(),
                keys.seal(PairingKeys.Side.CREATOR, ourCard.encode()));
        return new Offer(mailbox, code, allocated.token(), keys, Duration.ofSeconds(allocated.lifetimeSeconds()));
    }

    /**
     * Joins with a code the user typed: claims the nameplate (once only) with the proof that we know the code, opens
     * the creator's card, and answers with ours. A wrong code fails the proof, so the relay burns the nameplate and we
     * fail with WRONG_CODE (a card that still does not open burns it from here); the creator then learns
     * PEER_GAVE_WRONG_CODE and both start again with a new code. A nameplate someone else burnt is CODE_BURNT.
     */
    public static Result join(MailboxClient mailbox, PeerId relayPeer, PairingCode code, PairingCard ourCard)
            throws PairingException {
        return join(mailbox, relayPeer, code, ourCard, card -> { });
    }

    /**
     * {@link #join(MailboxClient, PeerId, PairingCode, PairingCard)}, calling {@code opened} with the creator's card
     * before our answer goes out: the creator may dial us the moment it has the answer, so this is where the joiner
     * remembers it.
     */
    public static Result join(MailboxClient mailbox, PeerId relayPeer, PairingCode code, PairingCard ourCard,
                              Consumer<PairingCard> opened) throws PairingException {
        return join(mailbox, PairingKeys.derive(code, relayPeer), ourCard, opened);
    }

    /**
     * {@link #join(MailboxClient, PeerId, PairingCode, PairingCard, java.util.function.Consumer)} with the code's keys
     * already derived for this relay (see {@link PreparedJoin}): the same claim, open and answer, without Argon2id.
     */
    public static Result join(MailboxClient mailbox, PairingKeys keys, PairingCard ourCard,
                              Consumer<PairingCard> opened) throws PairingException {
        int nameplate = keys.nameplate();
        MailboxProtocol.Claimed claimed = mailbox.claim(nameplate, keys.claimProof());
        PairingCard theirs;
        try {
            theirs = openCard(keys, PairingKeys.Side.CREATOR, claimed.sealed());
        } catch (PairingException e) {
            try {
                mailbox.burn(nameplate, claimed.token());
            } catch (PairingException ignored) {
                // the nameplate is useless to anyone now either way
            }
            throw e;
        }
        if (theirs.peer().equals(ourCard.peer())) {
            mailbox.burn(nameplate, claimed.token());
            throw new PairingException(Reason.MALFORMED, "this is our own code");
        }
        opened.accept(theirs);
        mailbox.answer(nameplate, claimed.token(), keys.seal(PairingKeys.Side.JOINER, ourCard.encode()));
        return new Result(theirs);
    }

    /** Convenience: our card from an identity, a device name and our current contact. */
    public static PairingCard card(Identity identity, String deviceName, PeerContact contact) {
        return new PairingCard(deviceName, identity.publicKey(), contact);
    }

    private static PairingCard openCard(PairingKeys keys, PairingKeys.Side side, byte[] sealed)
            throws PairingException {
        byte[] plain = keys.open(side, sealed);
        try {
            return PairingCard.decode(plain);
        } catch (WireFormatException e) {
            throw new PairingException(Reason.MALFORMED, e.getMessage());
        }
    }
}
