package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.crypto.RelayAuthProof;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.testing.FuzzBudget;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's handling of proof bodies under random input, on the wire: after a fresh challenge, any body is answered
 * 400 (malformed) or 403 (does not verify), never anything else, and the relay keeps authenticating real clients.
 */
@AddLifecycleHook(FuzzBudget.class)
class RelayAuthFuzzTest {

    private static RelayServer relay;
    private static RawRelayRequest client;
    private static final Identity REAL = Identity.generate(new SecureRandom());

    @BeforeContainer
    static void start() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withLimits(1000, 32, 8, 0, 1_000_000));
        client = new RawRelayRequest(relay.address());
    }

    @AfterContainer
    static void stop() {
        client.close();
        relay.close();
    }

    @Provide
    Arbitrary<byte[]> proofBodies() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(RelayAuthProof.ENCODED_LENGTH + 200),
                Arbitraries.bytes().array(byte[].class).ofSize(RelayAuthProof.ENCODED_LENGTH),
                Arbitraries.bytes().array(byte[].class).ofMinSize(RelayAuthProof.ENCODED_LENGTH - 2)
                        .ofMaxSize(RelayAuthProof.ENCODED_LENGTH + 2));
    }

    @Property(tries = 200)
    void randomProofBodiesAreAnswered400Or403AndTheRelayKeepsServing(@ForAll("proofBodies") byte[] body)
            throws Exception {
        client.challenge();
        assertThat(client.sendProof(body).status()).isIn(400, 403);
        RelayHttp3Connection.Response real = client.sendProof(client.prove(REAL, client.challenge()).toBytes());
        assertThat(real.status()).isEqualTo(200);
    }
}
