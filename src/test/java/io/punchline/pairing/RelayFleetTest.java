package io.punchline.pairing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.punchline.crypto.Identity;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.BindClient;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayRequests;
import io.punchline.relay.FleetStore;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.relay.TestRedis;
import io.punchline.session.PeerContact;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two relays of one fleet sharing a real Redis (docs/RELAY.md "A fleet"): a peer bound on relay A is found by a client
 * of relay B and reached from B's bind socket; a pairing whose sides use A and B completes; when the store stops, the
 * requests that need it are answered 503 with the reason at once while forwarding carries on.
 */
@Timeout(120)
class RelayFleetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path identityFolder;
    private TestRedis redis;
    private RelayServer relayA;
    private RelayServer relayB;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startFleet() throws Exception {
        redis = TestRedis.start();
        relayA = RelayServer.start(config(identityFolder), FleetStore.connect(redis.uri(), "test"));
        relayB = RelayServer.start(config(identityFolder), FleetStore.connect(redis.uri(), "test"));
    }

    @AfterEach
    void stopFleet() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        for (RelayServer relay : new RelayServer[]{relayA, relayB}) {
            if (relay != null) {
                relay.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Loopback relays that forward to loopback: on one machine, the other relay's bind sockets are loopback ones. */
    private static RelayConfig config(Path identity) {
        return RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLoopbackTargets(true).withDataFolder(identity);
    }

    private BindClient bind(RelayServer relay, Identity identity, BlockingQueue<String> received) throws Exception {
        BindClient bind = BindClient.connect(relay.address(), identity, null,
                (source, data, offset, length) -> received.add(source + " "
                        + new String(data, offset, length, StandardCharsets.UTF_8)), TIMEOUT);
        open.add(bind);
        return bind;
    }

    private RelayRequests.Standalone requests(RelayServer relay, Identity identity) throws Exception {
        RelayRequests.Standalone requests = RelayRequests.open(relay.address(), identity, TIMEOUT);
        open.add(requests);
        return requests;
    }

    @Test
    void aPeerBoundOnRelayAIsFoundThroughRelayBAndADatagramFromBReachesIt() throws Exception {
        assertThat(relayB.peerId()).as("one fleet, one relay identity").isEqualTo(relayA.peerId());
        Identity target = Identity.generate(RANDOM);
        Identity friend = Identity.generate(RANDOM);
        BlockingQueue<String> atTarget = new LinkedBlockingQueue<>();
        BindClient targetBind = bind(relayA, target, atTarget);
        RelayPeers.allow(targetBind.relayRequests(), List.of(friend.peerId()));
        BindClient friendBind = bind(relayB, friend, new LinkedBlockingQueue<>());

        InetSocketAddress found = RelayPeers.find(friendBind.relayRequests(), target.peerId()).orElseThrow();
        assertThat(found).isEqualTo(targetBind.publicAddresses().get(0));
        try (Keys keys = new Keys()) {
            assertThat(keys.connection.sync().pttl(keys.peer(target))).as("the entry lives 30 s unless refreshed")
                    .isBetween(1L, 30_000L);
        }
        assertThat(RelayPeers.find(requests(relayB, Identity.generate(RANDOM)), target.peerId()))
                .as("a stranger, through either relay").isEmpty();

        byte[] hello = "hello from relay B".getBytes(StandardCharsets.UTF_8);
        friendBind.send(found, hello, 0, hello.length);
        assertThat(atTarget.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(friendBind.publicAddresses().get(0) + " hello from relay B");

        targetBind.close();
        awaitNoDirectoryEntry(target);
        assertThat(RelayPeers.find(friendBind.relayRequests(), target.peerId())).as("no longer bound").isEmpty();
    }

    @Test
    void aPairingWhoseTwoSidesUseRelaysAAndBCompletes() throws Exception {
        Identity alice = Identity.generate(RANDOM);
        Identity bob = Identity.generate(RANDOM);
        MailboxClient aliceMailbox = new MailboxClient(requests(relayA, alice));
        MailboxClient bobMailbox = new MailboxClient(requests(relayB, bob));
        PairingCard aliceCard = card(alice, "alice", relayA.address());
        PairingCard bobCard = card(bob, "bob", relayB.address());

        Pairing.Offer offer = Pairing.create(aliceMailbox, relayA.peerId(), aliceCard, RANDOM);
        CompletableFuture<Pairing.Result> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return offer.await(Duration.ofSeconds(30));
            } catch (PairingException e) {
                throw new RuntimeException(e);
            }
        });
        Pairing.Result joined = Pairing.join(bobMailbox, relayB.peerId(), offer.code(), bobCard);
        assertThat(joined.peer().peer()).isEqualTo(alice.peerId());
        assertThat(joined.peer().contact()).isEqualTo(aliceCard.contact());
        assertThat(waiting.get(30, TimeUnit.SECONDS).peer().peer()).isEqualTo(bob.peerId());
        assertThat(relayA.openNameplates()).isZero();
        assertThatThrownBy(() -> Pairing.join(new MailboxClient(requests(relayA, Identity.generate(RANDOM))),
                relayA.peerId(), offer.code(), card(Identity.generate(RANDOM), "late", relayA.address())))
                .as("the used code, through the other relay")
                .satisfies(e -> assertThat(((PairingException) e).reason()).isEqualTo(PairingException.Reason.CODE_USED));
    }

    @Test
    void whenTheStoreStopsItsRequestsGet503WithTheReasonAtOnceAndForwardingCarriesOn() throws Exception {
        Identity target = Identity.generate(RANDOM);
        Identity friend = Identity.generate(RANDOM);
        BlockingQueue<String> atTarget = new LinkedBlockingQueue<>();
        BindClient targetBind = bind(relayA, target, atTarget);
        RelayPeers.allow(targetBind.relayRequests(), List.of(friend.peerId()));
        BindClient friendBind = bind(relayB, friend, new LinkedBlockingQueue<>());
        InetSocketAddress found = RelayPeers.find(friendBind.relayRequests(), target.peerId()).orElseThrow();
        MailboxClient mailbox = new MailboxClient(friendBind.relayRequests());

        redis.stop();
        long started = System.nanoTime();
        RelayRequests.Response allocate = friendBind.relayRequests().post(MailboxProtocol.ALLOCATE, new byte[0]);
        assertThat(allocate.status()).isEqualTo(503);
        assertThat(MailboxProtocol.Failure.of(allocate.body())).isEqualTo(MailboxProtocol.Failure.STORE_UNAVAILABLE);
        assertThatThrownBy(mailbox::allocate).hasMessageContaining("cannot reach its fleet's shared store");
        assertThatThrownBy(() -> RelayPeers.find(friendBind.relayRequests(), target.peerId()))
                .isInstanceOf(IOException.class).hasMessageContaining("HTTP 503");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("three requests, none waiting past the store timeout")
                .isLessThan(Duration.ofSeconds(8));
        assertThat(relayB.storeUnavailable()).isEqualTo(3);
        assertThat(relayB.openNameplates()).as("unknown while the store is away").isEqualTo(-1);

        byte[] hello = "still forwarded".getBytes(StandardCharsets.UTF_8);
        friendBind.send(found, hello, 0, hello.length);
        assertThat(atTarget.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).endsWith(" still forwarded");

        redis.restart();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        RelayRequests.Response again;
        do {
            // Lettuce reconnects at most 2 s apart: the store is usable again within that, not retried until lucky
            Thread.sleep(200);
            again = friendBind.relayRequests().post(MailboxProtocol.ALLOCATE, new byte[0]);
        } while (again.status() == 503 && System.nanoTime() < deadline);
        assertThat(again.status()).as("the store is back").isEqualTo(200);
    }

    @Test
    void aRelayWithAnotherIdentityMayNotJoinTheFleet(@TempDir Path otherIdentity) {
        assertThatThrownBy(() -> RelayServer.start(config(otherIdentity), FleetStore.connect(redis.uri(), "test")))
                .isInstanceOf(IOException.class).hasMessageContaining("every relay of a fleet needs the same identity");
    }

    private static PairingCard card(Identity identity, String name, RelayAddress relay) {
        return Pairing.card(identity, name, new PeerContact(identity.peerId(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000), relay));
    }

    /** Waits until relay A's withdrawal of the closed bind reached the store (it does not block the relay's close). */
    private void awaitNoDirectoryEntry(Identity peer) throws InterruptedException {
        try (Keys keys = new Keys()) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (keys.connection.sync().exists(keys.peer(peer)) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(keys.connection.sync().exists(keys.peer(peer))).as("directory entry of the closed bind").isZero();
        }
    }

    /** A look into the fleet's keys, as an operator with redis-cli would. */
    private final class Keys implements AutoCloseable {
        final RedisClient client = RedisClient.create(redis.uri());
        final StatefulRedisConnection<String, String> connection = client.connect();

        String peer(Identity identity) {
            return "punchline:test:peer:" + HexFormat.of().formatHex(identity.peerId().bytes());
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
