package io.punchline.relay;

import io.punchline.crypto.PeerId;

import java.net.InetAddress;

/**
 * Where the pairing mailbox's nameplates live (docs/SECURITY.md section 7.4): in this process ({@link Mailbox}, the
 * default and the embedded relay's) or in the fleet's shared store ({@link RedisMailbox}), so that the two sides of a
 * pairing may use different relays of one fleet. Both enforce the same rules; bodies are the requests' encoded
 * {@link io.punchline.mailbox.MailboxProtocol} messages. A shared store that cannot be reached throws
 * {@link StoreUnavailableException}.
 */
interface MailboxStore {

    Mailbox.Result allocate(InetAddress address, PeerId peer);

    Mailbox.Result put(byte[] body);

    Mailbox.Result claim(byte[] body, InetAddress address, PeerId peer);

    Mailbox.Result answer(byte[] body);

    Mailbox.Result burn(byte[] body);

    /** The creator's long poll: returns when the joiner answered or burnt, or after the requested time. */
    Mailbox.Result await(byte[] body) throws InterruptedException;

    /** Whether {@code creator} has a nameplate open: allocated by it and not yet used, burnt or expired. */
    boolean hasOpenCodeOf(PeerId creator);

    int openNameplates();
}
