package io.punchline.pairing;

import io.punchline.relay.FleetStore;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.relay.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link PairingRelayTest}'s rules (single claim, wrong-claim limits, expiry and tombstones, open limits, peer finding)
 * with the mailbox and the peer directory in a real Redis (docs/RELAY.md "A fleet"): the fleet store keeps every rule of
 * the in-process mailbox. Each test has a fleet of its own in the one server, so none sees another's keys.
 */
class FleetPairingRelayTest extends PairingRelayTest {

    private static final AtomicInteger FLEETS = new AtomicInteger();
    private static TestRedis redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    RelayServer startRelay(RelayConfig config) throws Exception {
        return RelayServer.start(config, FleetStore.connect(redis.uri(), "pairing-" + FLEETS.incrementAndGet()));
    }
}
