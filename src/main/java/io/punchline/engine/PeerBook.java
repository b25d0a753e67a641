package io.punchline.engine;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.masque.BindClient;
import io.punchline.pairing.MailboxClient;
import io.punchline.pairing.Pairing;
import io.punchline.pairing.PairingCard;
import io.punchline.pairing.PairingCode;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.PairingKeys;
import io.punchline.pairing.PreparedJoin;
import io.punchline.pairing.RelayPeers;
import io.punchline.pairing.RememberedPeers;
import io.punchline.session.PeerContact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The engine's side of pairing and remembered peers (docs/ARCHITECTURE.md, "Pairing, remembered peers and the engine's relay"): codes through the relay's mailbox, the
 * store of paired peers, and telling the relay after every bind which of them may find us.
 */
final class PeerBook {

    private static final Logger LOG = LoggerFactory.getLogger(PeerBook.class);
    /** How long a created code waits for the other side, at most (the relay's mailbox may expire it sooner). */
    private static final Duration WAIT_FOR_JOINER = Duration.ofMinutes(10);

    private final Identity identity;
    private final String deviceName;
    private final RememberedPeers store;
    private final EventBus events;
    private final ExecutorService executor;
    private final Supplier<BindClient> bind;
    private final Supplier<PeerContact> contact;
    private final SecureRandom random = new SecureRandom();

    PeerBook(Identity identity, String deviceName, Path home, EventBus events, ExecutorService executor,
             Supplier<BindClient> bind, Supplier<PeerContact> contact) throws IOException {
        this.identity = identity;
        this.deviceName = deviceName;
        this.store = RememberedPeers.load(home);
        this.events = events;
        this.executor = executor;
        this.bind = bind;
        this.contact = contact;
    }

    synchronized List<RememberedPeers.Peer> all() {
        return store.all();
    }

    synchronized Optional<RememberedPeers.Peer> byName(String name) {
        return store.byName(name);
    }

    synchronized Optional<RememberedPeers.Peer> byPeerId(PeerId peer) {
        return store.byPeerId(peer);
    }

    boolean isRemembered(PeerId peer) {
        return byPeerId(peer).isPresent();
    }

    RememberedPeers.Peer rename(String name, String newName) throws IOException {
        synchronized (this) {
            return store.rename(name, newName);
        }
    }

    boolean forget(String name) throws IOException {
        boolean forgotten;
        synchronized (this) {
            forgotten = store.forget(name);
        }
        if (forgotten) {
            allowFinders(bind.get());
        }
        return forgotten;
    }

    synchronized void seen(PeerId peer, String contact) {
        if (store.byPeerId(peer).isPresent()) {
            try {
                store.seen(peer, contact, Instant.now());
            } catch (IOException e) {
                LOG.warn("cannot record when {} was seen: {}", peer.shortFingerprint(), e.getMessage());
            }
        }
    }

    /** Tells the relay, on {@code bind}'s connection, which remembered peers may find this engine's bind. */
    void allowFinders(BindClient bind) {
        List<PeerId> finders;
        synchronized (this) {
            finders = store.all().stream().map(RememberedPeers.Peer::peerId).limit(256).toList();
        }
        try {
            RelayPeers.allow(bind.relayRequests(), finders);
        } catch (IOException | RuntimeException e) {
            events.publish(new EngineEvent.Error("remembered peers cannot find this device through the relay: "
                    + e.getMessage()));
        }
    }

    /** Where {@code peer} is bound on our relay now, if it is there and lets us find it. */
    Optional<InetSocketAddress> find(PeerId peer) throws IOException {
        return RelayPeers.find(bind.get().relayRequests(), peer);
    }

    PairingInvite invite() throws PairingException {
        BindClient relay = bind.get();
        MailboxClient mailbox = new MailboxClient(relay.relayRequests());
        Pairing.Offer offer = Pairing.create(mailbox, relay.relay().relayPeer(), card(), random);
        String code = offer.code().toString();
        CompletableFuture<RememberedPeers.Peer> paired = new CompletableFuture<>();
        Duration lifetime = WAIT_FOR_JOINER;
        events.publish(new EngineEvent.PairingCode(code, lifetime.toSeconds()));
        executor.execute(() -> {
            try {
                Pairing.Result result = offer.await(lifetime);
                paired.complete(remembered(result.peer()));
            } catch (PairingException | IOException e) {
                failed(paired, e);
            }
        });
        return new PairingInvite(code, lifetime, paired, () -> {
            try {
                offer.cancel();
            } catch (PairingException e) {
                LOG.debug("cancelling code {}: {}", code, e.getMessage());
            }
            failed(paired, new PairingException(PairingException.Reason.TIMEOUT, "pairing cancelled"));
        });
    }

    CompletableFuture<RememberedPeers.Peer> join(String typed) {
        PairingCode code;
        try {
            code = PairingCode.parse(typed);
        } catch (IllegalArgumentException e) {
            CompletableFuture<RememberedPeers.Peer> paired = new CompletableFuture<>();
            failed(paired, new PairingException(PairingException.Reason.MALFORMED, e.getMessage()));
            return paired;
        }
        return join(PreparedJoin.start(code, bind.get().relay().relayPeer()));
    }

    /** Joins with keys that may have been derived while the engine started (see {@link PreparedJoin}). */
    CompletableFuture<RememberedPeers.Peer> join(PreparedJoin prepared) {
        CompletableFuture<RememberedPeers.Peer> paired = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                BindClient relay = bind.get();
                PairingKeys keys = prepared.keysFor(relay.relay().relayPeer());
                RememberedPeers.Peer[] peer = new RememberedPeers.Peer[1];
                IOException[] storeFailure = new IOException[1];
                Pairing.join(new MailboxClient(relay.relayRequests()), keys, card(), card -> {
                    try {
                        peer[0] = remembered(card);
                    } catch (IOException e) {
                        storeFailure[0] = e;
                    }
                });
                if (storeFailure[0] != null) {
                    throw storeFailure[0];
                }
                paired.complete(peer[0]);
            } catch (PairingException | IOException | RuntimeException e) {
                failed(paired, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed(paired, new PairingException(PairingException.Reason.TIMEOUT, "pairing cancelled"));
            }
        });
        return paired;
    }

    private PairingCard card() {
        return Pairing.card(identity, deviceName, contact.get());
    }

    private RememberedPeers.Peer remembered(PairingCard card) throws IOException {
        RememberedPeers.Peer peer;
        synchronized (this) {
            peer = store.remember(card, Instant.now());
        }
        allowFinders(bind.get());
        events.publish(new EngineEvent.Paired(peer.fingerprint(), peer.name()));
        return peer;
    }

    private void failed(CompletableFuture<RememberedPeers.Peer> paired, Exception e) {
        if (paired.isDone()) {
            return;
        }
        String reason = e instanceof PairingException pairing
                ? pairing.reason().name().toLowerCase(Locale.ROOT).replace('_', '-')
                : "failed";
        events.publish(new EngineEvent.PairingFailed(reason, e.getMessage()));
        paired.completeExceptionally(e);
    }
}
