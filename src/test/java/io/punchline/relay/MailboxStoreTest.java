package io.punchline.relay;

import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.mailbox.MailboxProtocol.Failure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mailbox's atomic rules, the same for the in-process {@link Mailbox} and for {@link RedisMailbox} shared by two
 * relays (two connections to one real Redis): concurrent claims of one nameplate, concurrent allocations, a burnt
 * nameplate. The request-level rules (expiry, tombstones, limits) run end to end for both in PairingRelayTest and
 * FleetPairingRelayTest.
 */
@Timeout(60)
class MailboxStoreTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MailboxLimits LIMITS = MailboxLimits.DEFAULT.withOpen(10_000, 10_000);
    private static final AtomicInteger FLEETS = new AtomicInteger();
    private static TestRedis redis;
    private static final List<FleetStore> stores = new ArrayList<>();

    @AfterAll
    static void stopRedis() throws Exception {
        stores.forEach(FleetStore::close);
        if (redis != null) {
            redis.close();
        }
    }

    /** Two mailboxes that share their nameplates: one object in process, or two relays' connections to one Redis. */
    private static MailboxStore[] twoRelays(String kind) throws Exception {
        if (kind.equals("in-process")) {
            Mailbox mailbox = new Mailbox(LIMITS);
            return new MailboxStore[]{mailbox, mailbox};
        }
        if (redis == null) {
            redis = TestRedis.start(); // here, so that without redis-server only the Redis cases are skipped
        }
        String fleet = "rules-" + FLEETS.incrementAndGet();
        FleetStore a = FleetStore.connect(redis.uri(), fleet);
        FleetStore b = FleetStore.connect(redis.uri(), fleet);
        stores.add(a);
        stores.add(b);
        return new MailboxStore[]{new RedisMailbox(a, LIMITS), new RedisMailbox(b, LIMITS)};
    }

    private static MailboxProtocol.Allocated openNameplate(MailboxStore mailbox, byte[] proof) throws Exception {
        Mailbox.Result allocated = mailbox.allocate(InetAddress.getByName("192.0.2.1"), null);
        assertThat(allocated.status()).isEqualTo(200);
        MailboxProtocol.Allocated nameplate = MailboxProtocol.Allocated.decode(allocated.body());
        Mailbox.Result put = mailbox.put(new MailboxProtocol.Put(nameplate.nameplate(), nameplate.token(),
                MailboxProtocol.commitment(proof), new byte[60]).encode());
        assertThat(put.status()).isEqualTo(204);
        return nameplate;
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "redis"})
    void ofManyConcurrentClaimsWithTheRightProofThroughTwoRelaysExactlyOneSucceeds(String kind) throws Exception {
        MailboxStore[] relays = twoRelays(kind);
        byte[] proof = new byte[MailboxProtocol.CLAIM_PROOF_LENGTH];
        RANDOM.nextBytes(proof);
        MailboxProtocol.Allocated nameplate = openNameplate(relays[0], proof);
        byte[] claim = new MailboxProtocol.Claim(nameplate.nameplate(), proof).encode();
        ExecutorService claimants = Executors.newFixedThreadPool(8);
        try {
            List<Future<Mailbox.Result>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                MailboxStore relay = relays[i % 2];
                InetAddress client = InetAddress.getByName("198.51.100." + (i + 1));
                results.add(claimants.submit(() -> relay.claim(claim, client, null)));
            }
            int claimed = 0;
            for (Future<Mailbox.Result> result : results) {
                Mailbox.Result got = result.get();
                if (got.status() == 200) {
                    claimed++;
                } else {
                    assertThat(Failure.of(got.body())).isEqualTo(Failure.ALREADY_CLAIMED);
                }
            }
            assertThat(claimed).isOne();
        } finally {
            claimants.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "redis"})
    void concurrentAllocationsThroughTwoRelaysNeverShareANameplate(String kind) throws Exception {
        MailboxStore[] relays = twoRelays(kind);
        ExecutorService creators = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> nameplates = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                MailboxStore relay = relays[i % 2];
                InetAddress client = InetAddress.getByName("203.0.113." + (i % 250 + 1));
                PeerId peer = new PeerId(randomBytes(PeerId.LENGTH));
                Callable<Integer> allocate = () -> {
                    Mailbox.Result result = relay.allocate(client, peer);
                    assertThat(result.status()).isEqualTo(200);
                    return MailboxProtocol.Allocated.decode(result.body()).nameplate();
                };
                nameplates.add(creators.submit(allocate));
            }
            Set<Integer> distinct = new HashSet<>();
            for (Future<Integer> nameplate : nameplates) {
                distinct.add(nameplate.get());
            }
            assertThat(distinct).hasSize(400);
            assertThat(relays[1].openNameplates()).isEqualTo(400);
        } finally {
            creators.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "redis"})
    void aNameplateBurntThroughOneRelayIsBurntForTheOtherAndForItsCreator(String kind) throws Exception {
        MailboxStore[] relays = twoRelays(kind);
        byte[] proof = randomBytes(MailboxProtocol.CLAIM_PROOF_LENGTH);
        MailboxProtocol.Allocated nameplate = openNameplate(relays[0], proof);
        PeerId guesser = new PeerId(randomBytes(PeerId.LENGTH));
        Mailbox.Result wrong = relays[1].claim(new MailboxProtocol.Claim(nameplate.nameplate(),
                randomBytes(MailboxProtocol.CLAIM_PROOF_LENGTH)).encode(), InetAddress.getByName("192.0.2.9"), guesser);
        assertThat(Failure.of(wrong.body())).isEqualTo(Failure.WRONG_CODE);
        Mailbox.Result right = relays[0].claim(new MailboxProtocol.Claim(nameplate.nameplate(), proof).encode(),
                InetAddress.getByName("192.0.2.10"), null);
        assertThat(Failure.of(right.body())).isEqualTo(Failure.BURNT);
        Mailbox.Result wait = relays[0].await(new MailboxProtocol.Wait(nameplate.nameplate(), nameplate.token(), 0)
                .encode());
        assertThat(Failure.of(wait.body())).isEqualTo(Failure.BURNT);
        assertThat(relays[0].hasOpenCodeOf(guesser)).isFalse();
    }

    @Test
    void wrongClaimsCountAcrossTheRelaysOfAFleet() throws Exception {
        MailboxStore[] relays = twoRelays("redis");
        InetAddress sweeper = InetAddress.getByName("192.0.2.66");
        for (int i = 0; i < MailboxLimits.DEFAULT.wrongClaimsPerHour(); i++) {
            MailboxProtocol.Allocated nameplate = openNameplate(relays[0], randomBytes(32));
            Mailbox.Result wrong = relays[i % 2].claim(new MailboxProtocol.Claim(nameplate.nameplate(),
                    randomBytes(32)).encode(), sweeper, null);
            assertThat(Failure.of(wrong.body())).isEqualTo(Failure.WRONG_CODE);
        }
        MailboxProtocol.Allocated last = openNameplate(relays[0], randomBytes(32));
        Mailbox.Result refused = relays[1].claim(new MailboxProtocol.Claim(last.nameplate(), randomBytes(32)).encode(),
                sweeper, null);
        assertThat(Failure.of(refused.body())).as("over the limit, counted on both relays").isEqualTo(Failure.TOO_MANY);
        assertThat(relays[1].openNameplates()).as("the last nameplate untouched").isOne();
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
