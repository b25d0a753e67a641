package io.punchline.pairing;

import io.punchline.mailbox.MailboxProtocol.Failure;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.RelayRequests;
import io.punchline.pairing.PairingException.Reason;
import io.punchline.wire.WireFormatException;

import java.io.IOException;
import java.time.Duration;

/**
 * The client of the relay's pairing mailbox ({@link MailboxProtocol}) over a relay connection's plain requests
 * (e.g. {@code BindClient.relayRequests()}). Turns every refusal into a {@link PairingException} with its reason.
 */
public final class MailboxClient {

    private final RelayRequests relay;

    public MailboxClient(RelayRequests relay) {
        this.relay = relay;
    }

    public MailboxProtocol.Allocated allocate() throws PairingException {
        return decode(() -> MailboxProtocol.Allocated.decode(call(MailboxProtocol.ALLOCATE, new byte[0], false)));
    }

    /** Deposits the creator's claim commitment and sealed card. */
    public void put(int nameplate, byte[] token, byte[] commitment, byte[] sealed) throws PairingException {
        call(MailboxProtocol.PUT, new MailboxProtocol.Put(nameplate, token, commitment, sealed).encode(), false);
    }

    /** Claims a nameplate with the proof that we know its code; a wrong proof burns it (WRONG_CODE). */
    public MailboxProtocol.Claimed claim(int nameplate, byte[] proof) throws PairingException {
        return decode(() -> MailboxProtocol.Claimed.decode(
                call(MailboxProtocol.CLAIM, new MailboxProtocol.Claim(nameplate, proof).encode(), false)));
    }

    public void answer(int nameplate, byte[] token, byte[] sealed) throws PairingException {
        call(MailboxProtocol.ANSWER, new MailboxProtocol.Deposit(nameplate, token, sealed).encode(), false);
    }

    public void burn(int nameplate, byte[] token) throws PairingException {
        call(MailboxProtocol.BURN, new MailboxProtocol.Ticket(nameplate, token).encode(), false);
    }

    /** One long poll of at most {@code wait} (capped at {@link MailboxProtocol#MAX_WAIT_MILLIS}). */
    public MailboxProtocol.Progress await(int nameplate, byte[] token, Duration wait) throws PairingException {
        int millis = (int) Math.max(0, Math.min(MailboxProtocol.MAX_WAIT_MILLIS, wait.toMillis()));
        return decode(() -> MailboxProtocol.Progress.decode(
                call(MailboxProtocol.WAIT, new MailboxProtocol.Wait(nameplate, token, millis).encode(), true)));
    }

    private interface Decoder<T> {
        T decode() throws WireFormatException, PairingException;
    }

    private static <T> T decode(Decoder<T> decoder) throws PairingException {
        try {
            return decoder.decode();
        } catch (WireFormatException e) {
            throw new PairingException(Reason.MALFORMED, "relay answer: " + e.getMessage());
        }
    }

    /** Posts and returns the body of a 200/204; a refusal becomes the matching {@link PairingException}. */
    private byte[] call(String path, byte[] body, boolean creatorWaiting) throws PairingException {
        RelayRequests.Response response;
        try {
            response = relay.post(path, body);
        } catch (IOException e) {
            throw new PairingException(Reason.RELAY_REFUSED, "relay request failed: " + e.getMessage(), e);
        }
        if (response.status() == 200 || response.status() == 204) {
            return response.body();
        }
        Failure failure = Failure.of(response.body());
        if (failure == null) {
            throw new PairingException(Reason.RELAY_REFUSED, "HTTP " + response.status()
                    + (response.status() == 404 ? ": the relay offers no pairing mailbox" : ""));
        }
        throw switch (failure) {
            case NO_SUCH_CODE -> new PairingException(Reason.NO_SUCH_CODE);
            case EXPIRED -> new PairingException(Reason.CODE_EXPIRED);
            case BURNT -> creatorWaiting ? new PairingException(Reason.PEER_GAVE_WRONG_CODE)
                    : new PairingException(Reason.CODE_BURNT);
            case WRONG_CODE -> new PairingException(Reason.WRONG_CODE);
            case NOT_FOUND -> new PairingException(Reason.RELAY_REFUSED, "the relay's pairing mailbox is another version"
                    + " than this app's (version " + MailboxProtocol.VERSION + "); update the older of the two");
            case ALREADY_CLAIMED -> new PairingException(Reason.CODE_USED);
            case NOT_READY -> new PairingException(Reason.NO_SUCH_CODE, "the code's creator has not finished yet");
            case UNAUTHENTICATED -> new PairingException(Reason.RELAY_REFUSED, "the relay requires authentication");
            case TOO_MANY -> new PairingException(Reason.RELAY_REFUSED,
                    "too many open codes, requests or wrong codes from this device; wait a while");
            case RELAY_FULL -> new PairingException(Reason.RELAY_REFUSED, "the relay's mailbox is full; try later");
            case STORE_UNAVAILABLE -> new PairingException(Reason.RELAY_REFUSED,
                    "the relay cannot reach its fleet's shared store; try again shortly");
            case TOO_LARGE -> new PairingException(Reason.RELAY_REFUSED, "request too large");
            default -> new PairingException(Reason.RELAY_REFUSED, failure.name().toLowerCase().replace('_', ' '));
        };
    }
}
