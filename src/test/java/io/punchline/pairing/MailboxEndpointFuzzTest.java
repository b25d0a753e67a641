package io.punchline.pairing;

import io.punchline.crypto.Identity;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.RelayRequests;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.testing.FuzzBudget;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Random bodies to the relay's pairing endpoints: answered with a status below 500, and the relay keeps serving. */
@AddLifecycleHook(FuzzBudget.class)
class MailboxEndpointFuzzTest {

    private static RelayServer relay;
    private static RelayRequests.Standalone client;

    @BeforeContainer
    static void start() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLimits(1000, 32, 256, 0, 100_000));
        client = RelayRequests.open(relay.address(), Identity.generate(new SecureRandom()), Duration.ofSeconds(10));
    }

    @AfterContainer
    static void stop() {
        client.close();
        relay.close();
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of(MailboxProtocol.ALLOCATE, MailboxProtocol.PUT, MailboxProtocol.CLAIM,
                MailboxProtocol.ANSWER, MailboxProtocol.BURN, MailboxProtocol.PEERS_ALLOW, MailboxProtocol.PEERS_FIND,
                MailboxProtocol.PREFIX + "nonsense");
    }

    @Property(tries = 150)
    void randomBodiesNeverBreakTheRelay(@ForAll("paths") String path, @ForAll @Size(max = 120) byte[] body)
            throws Exception {
        RelayRequests.Response response = client.post(path, body);
        assertThat(response.status()).isBetween(200, 499);
    }

    @Property(tries = 30)
    void randomWaitsAreAnsweredPromptly(@ForAll @Size(max = 40) byte[] body) throws Exception {
        // a random wait names no nameplate we own (or is malformed): answered at once, never held
        long start = System.nanoTime();
        assertThat(client.post(MailboxProtocol.WAIT, body).status()).isBetween(400, 499);
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Property(tries = 5)
    void oversizedBodiesAre413(@ForAll("paths") String path) throws Exception {
        assertThat(client.post(path, new byte[MailboxProtocol.MAX_BODY + 100]).status()).isEqualTo(413);
    }
}
