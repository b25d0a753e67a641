package io.punchline.pairing;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.BindClient;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayRequests;
import io.punchline.pairing.PairingException.Reason;
import io.punchline.relay.MailboxLimits;
import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerContact;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pairing through a real relay on loopback (docs/SECURITY.md section 7): mailbox rules and peer finding, with the
 * relay's own in-process mailbox; {@link FleetPairingRelayTest} runs the same tests with the mailbox and the peer
 * directory in a fleet's Redis.
 */
@Timeout(120)
class PairingRelayTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RelayServer relay;
    private final List<AutoCloseable> open = new ArrayList<>();

    private RelayAddress start(RelayConfig config) throws Exception {
        relay = startRelay(config);
        return relay.address();
    }

    /** The relay under test. */
    RelayServer startRelay(RelayConfig config) throws Exception {
        return RelayServer.start(config);
    }

    private static RelayConfig loopback() {
        return RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** One device: an identity and an authenticated request connection to the relay. */
    private final class Device {
        final Identity identity = Identity.generate(RANDOM);
        final RelayRequests.Standalone requests;
        final MailboxClient mailbox;
        final PairingCard card;

        Device(RelayAddress address, String name) throws Exception {
            requests = RelayRequests.open(address, identity, TIMEOUT);
            open.add(requests);
            mailbox = new MailboxClient(requests);
            card = Pairing.card(identity, name, new PeerContact(identity.peerId(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000), address));
        }
    }

    private static Reason reasonOf(Throwable e) {
        return ((PairingException) e).reason();
    }

    @Test
    void twoAuthenticatedDevicesPairAndLearnEachOthersCards() throws Exception {
        RelayAddress address = start(loopback());
        Device alice = new Device(address, "Alice's laptop");
        Device bob = new Device(address, "Bob's phone");
        Pairing.Offer offer = Pairing.create(alice.mailbox, relay.peerId(), alice.card, RANDOM);
        assertThat(offer.code().toString()).matches("\\d{1,7}(-[a-z]+){4}");
        CompletableFuture<Pairing.Result> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return offer.await(Duration.ofSeconds(30));
            } catch (PairingException e) {
                throw new RuntimeException(e);
            }
        });
        // typed sloppily: upper case, spaces, prefixes
        String typed = "  " + offer.code().nameplate() + " " + String.join(" ",
                offer.code().words().stream().map(w -> w.substring(0, Math.min(4, w.length())).toUpperCase()).toList()) + " ";
        Pairing.Result joined = Pairing.join(bob.mailbox, relay.peerId(), PairingCode.parse(typed), bob.card);
        assertThat(joined.peer().peer()).isEqualTo(alice.identity.peerId());
        assertThat(joined.peer().deviceName()).isEqualTo("Alice's laptop");
        assertThat(joined.peer().contact()).isEqualTo(alice.card.contact());
        Pairing.Result created = waiting.get();
        assertThat(created.peer().peer()).isEqualTo(bob.identity.peerId());
        assertThat(created.peer().publicKey()).isEqualTo(bob.identity.publicKey());
        assertThat(relay.openNameplates()).isZero();
    }

    @Test
    void aWrongCodeFailsBothSidesBurnsTheNameplateAndANewCodeWorks() throws Exception {
        RelayAddress address = start(loopback());
        Device alice = new Device(address, "alice");
        Device bob = new Device(address, "bob");
        Pairing.Offer offer = Pairing.create(alice.mailbox, relay.peerId(), alice.card, RANDOM);
        List<String> words = new ArrayList<>(offer.code().words());
        words.set(3, words.get(3).equals("zoo") ? "abandon" : "zoo");
        PairingCode wrong = new PairingCode(offer.code().nameplate(), words);

        assertThatThrownBy(() -> Pairing.join(bob.mailbox, relay.peerId(), wrong, bob.card))
                .isInstanceOf(PairingException.class)
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.WRONG_CODE))
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> offer.await(TIMEOUT))
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.PEER_GAVE_WRONG_CODE))
                .hasMessageContaining("entered a wrong code");
        assertThatThrownBy(() -> Pairing.join(bob.mailbox, relay.peerId(), offer.code(), bob.card))
                .as("the right code on the burnt nameplate")
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.CODE_BURNT));

        Pairing.Offer again = Pairing.create(alice.mailbox, relay.peerId(), alice.card, RANDOM);
        assertThat(again.code().nameplate()).isNotEqualTo(offer.code().nameplate());
        Pairing.Result joined = Pairing.join(bob.mailbox, relay.peerId(), again.code(), bob.card);
        assertThat(joined.peer().peer()).isEqualTo(alice.identity.peerId());
        assertThat(again.await(TIMEOUT).peer().peer()).isEqualTo(bob.identity.peerId());
    }

    @Test
    void aNameplateIsClaimedExactlyOnce() throws Exception {
        RelayAddress address = start(loopback());
        Device alice = new Device(address, "alice");
        Device bob = new Device(address, "bob");
        Device mallory = new Device(address, "mallory");
        Pairing.Offer offer = Pairing.create(alice.mailbox, relay.peerId(), alice.card, RANDOM);
        Pairing.join(bob.mailbox, relay.peerId(), offer.code(), bob.card);
        assertThatThrownBy(() -> Pairing.join(mallory.mailbox, relay.peerId(), offer.code(), mallory.card))
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.CODE_USED))
                .hasMessageContaining("already been used");
        assertThat(offer.await(TIMEOUT).peer().peer()).isEqualTo(bob.identity.peerId());
        assertThatThrownBy(() -> mallory.mailbox.claim(offer.code().nameplate(), new byte[MailboxProtocol.CLAIM_PROOF_LENGTH]))
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.CODE_USED));
    }

    @Test
    void anExpiredCodeSaysSoAndAnUnknownOneSaysNoSuchCode() throws Exception {
        RelayAddress address = start(loopback().withMailbox(MailboxLimits.DEFAULT.withLifetime(Duration.ofSeconds(1))));
        Device alice = new Device(address, "alice");
        Device bob = new Device(address, "bob");
        // no Argon2id inside the 1-second window: its time on a loaded machine is not ours to bound
        MailboxProtocol.Allocated allocated = alice.mailbox.allocate();
        alice.mailbox.put(allocated.nameplate(), allocated.token(), new byte[MailboxProtocol.COMMITMENT_LENGTH], new byte[60]);
        PairingCode code = PairingCode.generate(allocated.nameplate(), RANDOM);
        assertThatThrownBy(() -> alice.mailbox.await(allocated.nameplate(), allocated.token(), TIMEOUT))
                .as("the creator's wait ends with the expiry")
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.CODE_EXPIRED));
        assertThatThrownBy(() -> Pairing.join(bob.mailbox, relay.peerId(), code, bob.card))
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.CODE_EXPIRED))
                .hasMessageContaining("expired");
        int unknown = allocated.nameplate() == 9_999_999 ? 9_999_998 : 9_999_999;
        assertThatThrownBy(() -> bob.mailbox.claim(unknown, new byte[MailboxProtocol.CLAIM_PROOF_LENGTH]))
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.NO_SUCH_CODE))
                .hasMessageContaining("no such code");
        assertThat(relay.openNameplates()).isZero();
    }

    @Test
    void openNameplatesAreLimitedPerClientAndInAll() throws Exception {
        RelayAddress address = start(loopback().withMailbox(MailboxLimits.DEFAULT.withOpen(3, 2)));
        Device alice = new Device(address, "alice");
        alice.mailbox.allocate();
        alice.mailbox.allocate();
        assertThatThrownBy(alice.mailbox::allocate)
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.RELAY_REFUSED))
                .hasMessageContaining("too many open codes");
        assertThat(relay.openNameplates()).isEqualTo(2);
    }

    @Test
    void oversizedCardsAreRefusedWith413() throws Exception {
        RelayAddress address = start(loopback());
        Device alice = new Device(address, "alice");
        RelayRequests.Response response = alice.requests.post(MailboxProtocol.PUT, new byte[MailboxProtocol.MAX_BODY + 1]);
        assertThat(response.status()).isEqualTo(413);
        MailboxProtocol.Allocated allocated = alice.mailbox.allocate();
        assertThatThrownBy(() -> alice.mailbox.put(allocated.nameplate(), new byte[16], new byte[32], new byte[10]))
                .as("someone else's token")
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.RELAY_REFUSED));
    }

    @Test
    void aClientWhoseClaimProofsFailedTooOftenMayNotClaimAndBurnsNoMoreCodes() throws Exception {
        RelayAddress address = start(loopback().withMailbox(MailboxLimits.DEFAULT.withWrongClaimsPerHour(2)));
        Device alice = new Device(address, "alice");
        Device mallory = new Device(address, "mallory");
        List<Integer> nameplates = new ArrayList<>();
        List<byte[]> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // no Argon2id needed: the relay sees only a commitment and a sealed card
            MailboxProtocol.Allocated allocated = alice.mailbox.allocate();
            byte[] proof = new byte[MailboxProtocol.CLAIM_PROOF_LENGTH];
            RANDOM.nextBytes(proof);
            alice.mailbox.put(allocated.nameplate(), allocated.token(), MailboxProtocol.commitment(proof), new byte[60]);
            nameplates.add(allocated.nameplate());
            tokens.add(allocated.token());
        }
        byte[] guess = new byte[MailboxProtocol.CLAIM_PROOF_LENGTH];
        for (int i = 0; i < 2; i++) {
            int nameplate = nameplates.get(i);
            assertThatThrownBy(() -> mallory.mailbox.claim(nameplate, guess))
                    .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.WRONG_CODE));
        }
        assertThatThrownBy(() -> mallory.mailbox.claim(nameplates.get(2), guess))
                .as("the third wrong claim within the hour")
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.RELAY_REFUSED));
        assertThat(relay.openNameplates()).as("the third code is still open").isOne();
        assertThat(alice.mailbox.await(nameplates.get(2), tokens.get(2), Duration.ZERO).state())
                .isEqualTo(MailboxProtocol.State.WAITING_FOR_JOINER);
        assertThatThrownBy(() -> alice.mailbox.await(nameplates.get(0), tokens.get(0), Duration.ZERO))
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.PEER_GAVE_WRONG_CODE));
    }

    @Test
    void theMailboxVersionIsInThePathAndAnotherVersionIsToldApart() throws Exception {
        RelayAddress address = start(loopback());
        Device alice = new Device(address, "alice");
        assertThat(MailboxProtocol.CLAIM).isEqualTo(MailboxProtocol.PREFIX + "v2/claim");
        // a version 1 client's claim: the bare nameplate on the unversioned path
        RelayRequests.Response old = alice.requests.post(MailboxProtocol.PREFIX + "claim", new byte[]{0, 0, 0, 5});
        assertThat(old.status()).isEqualTo(404);
        assertThat(MailboxProtocol.Failure.of(old.body())).isEqualTo(MailboxProtocol.Failure.NOT_FOUND);
        // what this client says when a relay of another version answers so
        RelayRequests otherVersion = (path, body) -> alice.requests.post(path.replace("/v2/", "/v9/"), body);
        assertThatThrownBy(() -> new MailboxClient(otherVersion).allocate())
                .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.RELAY_REFUSED))
                .hasMessageContaining("another version");
    }

    @Test
    void mailboxRequestsWithoutAuthenticationGet401OnAnAuthRequiredRelay() throws Exception {
        RelayAddress address = start(loopback());
        try (RelayRequests.Standalone anonymous = RelayRequests.open(address, null, TIMEOUT)) {
            RelayRequests.Response response = anonymous.post(MailboxProtocol.ALLOCATE, new byte[0]);
            assertThat(response.status()).isEqualTo(401);
            assertThatThrownBy(() -> new MailboxClient(anonymous).claim(5, new byte[32]))
                    .satisfies(e -> assertThat(reasonOf(e)).as("reason of %s", e).isEqualTo(Reason.RELAY_REFUSED))
                    .hasMessageContaining("requires authentication");
            assertThat(anonymous.post(MailboxProtocol.PEERS_FIND, new byte[32]).status()).isEqualTo(401);
        }
        assertThat(relay.openNameplates()).isZero();
    }

    @Test
    void anonymousClientsMayPairOnARelayThatAllowsThem() throws Exception {
        RelayAddress address = start(loopback().withAccess(RelayAccess.OPEN.withAnonymous(true)));
        try (RelayRequests.Standalone anonymous = RelayRequests.open(address.withoutRelayPeer(), null, TIMEOUT)) {
            MailboxProtocol.Allocated allocated = new MailboxClient(anonymous).allocate();
            assertThat(allocated.nameplate()).isPositive();
            assertThat(anonymous.post(MailboxProtocol.PEERS_FIND, new byte[32]).status())
                    .as("finding peers always needs a PeerId").isEqualTo(401);
        }
    }

    @Test
    void aPeerIsFoundOnlyByThoseItAllowedAndLookupsAreRateLimited() throws Exception {
        RelayAddress address = start(loopback().withMailbox(MailboxLimits.DEFAULT.withFindsPerSecond(2)));
        Identity target = Identity.generate(RANDOM);
        Device friend = new Device(address, "friend");
        Device stranger = new Device(address, "stranger");
        try (BindClient bind = BindClient.connect(address, target, null, (s, d, o, l) -> { }, TIMEOUT)) {
            assertThat(RelayPeers.find(friend.requests, target.peerId())).as("not allowed yet").isEmpty();
            RelayPeers.allow(bind.relayRequests(), List.of(friend.identity.peerId()));
            Optional<InetSocketAddress> found = RelayPeers.find(friend.requests, target.peerId());
            assertThat(found).contains(bind.publicAddresses().get(0));
            assertThat(RelayPeers.find(stranger.requests, target.peerId())).isEmpty();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 5; i++) {
                    RelayPeers.find(friend.requests, target.peerId());
                }
            }).hasMessageContaining("429");
        }
        Thread.sleep(1100);
        assertThat(RelayPeers.find(friend.requests, target.peerId())).as("no longer bound").isEmpty();
        assertThat(RelayPeers.find(friend.requests, PeerId.of(new byte[]{1}))).as("unknown").isEmpty();
    }
}
