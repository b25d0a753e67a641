package io.punchline.relay;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a relay connects to its fleet's Redis: password, fleet names, the fleet's one identity. */
@Timeout(60)
class FleetStoreTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aStoreWithAPasswordRefusesARelayWithoutItAndServesOneWithIt() throws Exception {
        try (TestRedis redis = TestRedis.start("--requirepass", "s3cret-pw")) {
            assertThatThrownBy(() -> FleetStore.connect(redis.uri(), "f"))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("cannot be used")
                    .hasMessageNotContaining("s3cret-pw");
            assertThatThrownBy(() -> FleetStore.connect(redis.uri().replace("redis://", "redis://:wrong@"), "f"))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageNotContaining("wrong@");
            try (FleetStore store = FleetStore.connect(redis.uri().replace("redis://", "redis://:s3cret-pw@"), "f")) {
                assertThat(new RedisMailbox(store, MailboxLimits.DEFAULT).openNameplates()).isZero();
            }
        }
    }

    @Test
    void twoFleetsInOneRedisSeeNeitherTheOthersNameplatesNorItsIdentity() throws Exception {
        try (TestRedis redis = TestRedis.start();
             FleetStore eu = FleetStore.connect(redis.uri(), "eu");
             FleetStore us = FleetStore.connect(redis.uri(), "us")) {
            RedisMailbox euMailbox = new RedisMailbox(eu, MailboxLimits.DEFAULT);
            assertThat(euMailbox.allocate(InetAddress.getByName("192.0.2.1"), null).status()).isEqualTo(200);
            assertThat(euMailbox.openNameplates()).isOne();
            assertThat(new RedisMailbox(us, MailboxLimits.DEFAULT).openNameplates()).isZero();
            eu.joinAs(Identity.generate(RANDOM).peerId());
            us.joinAs(Identity.generate(RANDOM).peerId());
        }
    }

    @Test
    void theFirstRelayNamesTheFleetsIdentityAndAnotherIdentityIsRefused() throws Exception {
        PeerId fleet = Identity.generate(RANDOM).peerId();
        try (TestRedis redis = TestRedis.start();
             FleetStore first = FleetStore.connect(redis.uri(), "f");
             FleetStore second = FleetStore.connect(redis.uri(), "f")) {
            first.joinAs(fleet);
            second.joinAs(fleet);
            assertThatThrownBy(() -> second.joinAs(Identity.generate(RANDOM).peerId()))
                    .hasMessageContaining(fleet.fingerprint()).hasMessageContaining("same identity");
        }
    }

    @Test
    void aFleetNameIsLettersDigitsDotsDashesAndUnderscores() {
        assertThatThrownBy(() -> FleetStore.connect("redis://127.0.0.1:1", "a:b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fleet name");
        assertThatThrownBy(() -> FleetStore.connect("memcached://127.0.0.1:1", "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
    }
}
