package io.punchline.pairing;

import io.punchline.crypto.Identity;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayRequests;
import io.punchline.pairing.PairingException.Reason;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerContact;
import io.punchline.wire.WireFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pairing against the two attackers of docs/SECURITY.md section 7.8, through a real relay on loopback: a relay that
 * serves one nameplate's claim twice (it must not get two cards under one key and nonce), and a client that claims
 * nameplates without knowing their code (it must be refused, and both people told at once).
 */
@Timeout(120)
class PairingAttackTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RelayServer relay;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private RelayAddress start() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        return relay.address();
    }

    /** An identity with an authenticated request connection to the relay. */
    private final class Device {
        final Identity identity = Identity.generate(RANDOM);
        final RelayRequests.Standalone requests;
        final MailboxClient mailbox;

        Device(RelayAddress address) throws Exception {
            requests = RelayRequests.open(address, identity, TIMEOUT);
            open.add(requests);
            mailbox = new MailboxClient(requests);
        }

        PairingCard card(String name, int port) {
            return Pairing.card(identity, name, new PeerContact(identity.peerId(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), relay.address()));
        }
    }

    /**
     * What a dishonest relay does with the real one underneath: it serves the first claim's answer to every later claim
     * of the nameplate, and keeps every sealed card a joiner answers with.
     */
    private static final class ReplayingRelay implements RelayRequests {
        private final RelayRequests real;
        private Response firstClaim;
        final List<byte[]> answeredCards = new ArrayList<>();

        ReplayingRelay(RelayRequests real) {
            this.real = real;
        }

        @Override
        public synchronized Response post(String path, byte[] body) throws IOException {
            if (path.equals(MailboxProtocol.CLAIM)) {
                if (firstClaim == null) {
                    firstClaim = real.post(path, body);
                }
                return firstClaim;
            }
            if (path.equals(MailboxProtocol.ANSWER)) {
                try {
                    answeredCards.add(MailboxProtocol.Deposit.decode(body).sealed());
                } catch (WireFormatException e) {
                    throw new IOException(e);
                }
                return answeredCards.size() == 1 ? real.post(path, body) : new Response(204, new byte[0]);
            }
            return real.post(path, body);
        }
    }

    private static Reason reasonOf(Throwable e) {
        return ((PairingException) e).reason();
    }

    /** Whether {@code a XOR b}, read from {@code offset}, is {@code pa XOR pb}: the same keystream sealed both. */
    private static boolean sameKeystreamAt(byte[] a, byte[] b, byte[] pa, byte[] pb, int offset) {
        for (int i = 0; i < pa.length; i++) {
            if ((a[offset + i] ^ b[offset + i]) != (pa[i] ^ pb[i])) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aCodeNeverSealsTwoCardsUnderOneKeyAndNonceEvenWhenTheRelayServesASecondClaim() throws Exception {
        RelayAddress address = start();
        Device alice = new Device(address);
        Device bob = new Device(address);
        Pairing.Offer offer = Pairing.create(alice.mailbox, relay.peerId(), alice.card("alice", 40000), RANDOM);
        ReplayingRelay dishonest = new ReplayingRelay(bob.requests);
        MailboxClient bobsMailbox = new MailboxClient(dishonest);

        // the joiner tries twice with the same code (its port changed in between), and the relay serves both claims
        PairingCard first = bob.card("bob", 40001);
        PairingCard second = bob.card("bob", 40002);
        Pairing.join(bobsMailbox, relay.peerId(), offer.code(), first);
        Pairing.join(bobsMailbox, relay.peerId(), offer.code(), second);
        assertThat(offer.await(TIMEOUT).peer().contact()).isEqualTo(first.contact());

        assertThat(dishonest.answeredCards).hasSize(2);
        byte[] sealed1 = dishonest.answeredCards.get(0);
        byte[] sealed2 = dishonest.answeredCards.get(1);
        byte[] plain1 = first.encode();
        byte[] plain2 = second.encode();
        assertThat(plain1).hasSameSizeAs(plain2).isNotEqualTo(plain2);
        assertThat(sealed1).hasSameSizeAs(sealed2);
        for (int offset = 0; offset + plain1.length <= sealed1.length; offset++) {
            assertThat(sameKeystreamAt(sealed1, sealed2, plain1, plain2, offset))
                    .as("ciphertext XOR equals plaintext XOR at offset %d: one keystream sealed both cards", offset)
                    .isFalse();
        }
        int nonce = PairingKeys.NONCE_LENGTH;
        assertThat(Arrays.copyOf(sealed1, nonce)).as("each seal's fresh random value").isNotEqualTo(Arrays.copyOf(sealed2, nonce));
    }

    @Test
    void aClaimWithoutTheCodeIsRefusedBurnsTheNameplateAndBothSidesAreToldAtOnce() throws Exception {
        RelayAddress address = start();
        Device alice = new Device(address);
        Device bob = new Device(address);
        Device mallory = new Device(address);
        Pairing.Offer offer = Pairing.create(alice.mailbox, relay.peerId(), alice.card("alice", 40000), RANDOM);
        CompletableFuture<Throwable> creatorHears = CompletableFuture.supplyAsync(() -> {
            try {
                offer.await(Duration.ofSeconds(60));
                return null;
            } catch (PairingException e) {
                return e;
            }
        });
        int nameplate = offer.code().nameplate();
        assertThat(nameplate).as("few open nameplates get two digits").isLessThan(100);

        // the sweep: every two-digit nameplate, with a claim proof made up without the code
        List<Integer> claimed = new ArrayList<>();
        List<Reason> refusals = new ArrayList<>();
        for (int n = 1; n < 100; n++) {
            byte[] madeUp = new byte[MailboxProtocol.CLAIM_PROOF_LENGTH];
            RANDOM.nextBytes(madeUp);
            try {
                mallory.mailbox.claim(n, madeUp);
                claimed.add(n);
            } catch (PairingException e) {
                if (n == nameplate) {
                    refusals.add(e.reason());
                }
            }
        }
        assertThat(claimed).as("nameplates the sweep claimed").isEmpty();
        assertThat(refusals).containsExactly(Reason.WRONG_CODE);

        // the creator learns it now, not when its 10 minutes run out (its wait would end with TIMEOUT after 60 s)
        Throwable told = creatorHears.get();
        assertThat(told).isInstanceOf(PairingException.class).hasMessageContaining("or someone else tried to guess it");
        assertThat(reasonOf(told)).isEqualTo(Reason.PEER_GAVE_WRONG_CODE);

        // the honest joiner, right code in hand, is told what happened rather than "already used"
        assertThatThrownBy(() -> Pairing.join(bob.mailbox, relay.peerId(), offer.code(), bob.card("bob", 40001)))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(Reason.CODE_BURNT))
                .hasMessageContaining("someone entered a wrong code");
        assertThat(relay.openNameplates()).isZero();
    }
}
