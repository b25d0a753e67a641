package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.crypto.RelayAuthAccept;
import io.punchline.crypto.RelayAuthProof;
import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Relay authentication on the wire (docs/SECURITY.md section 6.4): a real relay on loopback, real kwik and flupke
 * clients, and raw requests for the proofs a correct client would never send.
 */
@Timeout(60)
class RelayAuthenticationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final BindClient.Listener IGNORE = (source, data, offset, length) -> { };

    private RelayServer relay;

    private RelayAddress start(RelayConfig config) throws Exception {
        relay = RelayServer.start(config);
        return relay.address();
    }

    private static RelayConfig loopback() {
        return RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static Identity someone() {
        return Identity.generate(new SecureRandom());
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void anAuthenticatedClientBindsOnADefaultRelay() throws Exception {
        RelayAddress address = start(loopback());
        try (BindClient bind = BindClient.connect(address, someone(), null, IGNORE, TIMEOUT)) {
            assertThat(bind.publicAddresses()).isNotEmpty();
            assertThat(relay.openSessions()).isEqualTo(1);
        }
    }

    @Test
    void anAnonymousClientIsRefusedByADefaultRelayWith401() throws Exception {
        RelayAddress address = start(loopback());
        assertThatThrownBy(() -> BindClient.connect(address.withoutRelayPeer(), null, IGNORE, TIMEOUT))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("requires authentication")
                .hasMessageContaining("--allow-anonymous");
        try (RawRelayRequest raw = new RawRelayRequest(address)) {
            RawRelayRequest.Request bind = raw.bindAny();
            assertThat(bind.status()).isEqualTo(401);
            assertThat(bind.header("www-authenticate")).containsExactly(RelayAuthRequests.AUTH_SCHEME);
            assertThat(bind.header("proxy-status").get(0)).contains("http_request_denied");
        }
        assertThat(relay.openSessions()).isZero();
    }

    @Test
    void anAnonymousClientBindsOnARelayThatAllowsAnonymousClients() throws Exception {
        RelayAddress address = start(loopback().withAccess(RelayAccess.OPEN.withAnonymous(true)));
        try (BindClient bind = BindClient.connect(address.withoutRelayPeer(), null, IGNORE, TIMEOUT)) {
            assertThat(bind.publicAddresses()).isNotEmpty();
        }
    }

    @Test
    void aWronglySignedProofIsRefusedWith403AndNoBindFollowsOnThatConnection() throws Exception {
        RelayAddress address = start(loopback());
        try (RawRelayRequest raw = new RawRelayRequest(address)) {
            byte[] proof = raw.prove(someone(), raw.challenge()).toBytes();
            proof[proof.length - 1000] ^= 0x01; // inside the signature, the proof's last field
            RelayHttp3Connection.Response answer = raw.sendProof(proof);
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.body()).isEmpty();
            assertThat(answer.proxyStatusDetail()).contains("does not verify");
            assertThat(raw.bindAny().status()).isEqualTo(401);
        }
        assertThat(relay.openSessions()).isZero();
    }

    @Test
    void aCorrectProofOnARawConnectionEarnsASignedAcceptAndABind() throws Exception {
        RelayAddress address = start(loopback());
        try (RawRelayRequest raw = new RawRelayRequest(address)) {
            RelayHttp3Connection.Response answer = raw.sendProof(raw.prove(someone(), raw.challenge()).toBytes());
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.exchange().response().headers().firstValue("content-type"))
                    .contains("application/octet-stream");
            assertThat(PeerId.of(RelayAuthAccept.decode(java.nio.ByteBuffer.wrap(answer.body())).publicKey()))
                    .isEqualTo(relay.peerId());
            assertThat(raw.bindAny().status()).isEqualTo(200);
        }
    }

    @Test
    void aProofIsSingleUseAndBoundToItsConnection() throws Exception {
        RelayAddress address = start(loopback());
        Identity client = someone();
        byte[] proof;
        try (RawRelayRequest first = new RawRelayRequest(address)) {
            proof = first.prove(client, first.challenge()).toBytes();
            assertThat(first.sendProof(proof).status()).isEqualTo(200);
            assertThat(first.sendProof(proof).status()).as("the challenge is used up").isEqualTo(403);
        }
        try (RawRelayRequest second = new RawRelayRequest(address)) {
            assertThat(second.sendProof(proof).status()).as("no challenge issued here").isEqualTo(403);
            second.challenge();
            RelayHttp3Connection.Response replayed = second.sendProof(proof);
            assertThat(replayed.status()).as("another connection's challenge").isEqualTo(403);
            assertThat(second.bindAny().status()).isEqualTo(401);
        }
    }

    @Test
    void aClientPinningAnotherRelayPeerIdNeverBinds() throws Exception {
        RelayAddress address = start(loopback());
        RelayAddress wrongPin = new RelayAddress(address.host(), address.port(), address.fingerprint(),
                someone().peerId());
        assertThatThrownBy(() -> BindClient.connect(wrongPin, someone(), null, IGNORE, TIMEOUT))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("refused our proof")
                .hasMessageContaining("relay PeerId");
        assertThat(relay.openSessions()).isZero();
    }

    @Test
    void anEngineClientNeedsTheRelayPeerIdInTheAddress() throws Exception {
        RelayAddress address = start(loopback());
        assertThatThrownBy(() -> BindClient.connect(address.withoutRelayPeer(), someone(), null, IGNORE, TIMEOUT))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("pins no relay PeerId");
    }

    @Test
    void anAllowListedClientBindsWhileAnUnlistedOneIsRefused() throws Exception {
        Identity listed = someone();
        RelayAddress address = start(loopback().withAccess(RelayAccess.OPEN.withAllowedPeers(Set.of(listed.peerId()))));
        try (BindClient bind = BindClient.connect(address, listed, null, IGNORE, TIMEOUT)) {
            assertThat(bind.publicAddresses()).isNotEmpty();
        }
        assertThatThrownBy(() -> BindClient.connect(address, someone(), null, IGNORE, TIMEOUT))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("403")
                .hasMessageContaining("allow list");
    }

    @Test
    void requestsOverThePerPeerIdLimitAreRefusedWith429() throws Exception {
        RelayAddress address = start(loopback().withAccess(RelayAccess.OPEN.withPeerRequestsPerMinute(2)));
        Identity busy = someone();
        for (int i = 0; i < 2; i++) {
            try (BindClient bind = BindClient.connect(address, busy, null, IGNORE, TIMEOUT)) {
                assertThat(bind.publicAddresses()).isNotEmpty();
            }
        }
        assertThatThrownBy(() -> BindClient.connect(address, busy, null, IGNORE, TIMEOUT))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("429")
                .hasMessageContaining("PeerId");
        try (BindClient other = BindClient.connect(address, someone(), null, IGNORE, TIMEOUT)) {
            assertThat(other.publicAddresses()).as("the limit is per PeerId, not per address").isNotEmpty();
        }
    }

    @Test
    void challengesOverThePerAddressLimitAreRefusedWith429() throws Exception {
        RelayAddress address = start(loopback().withLimits(100, 32, 8, 0, 3));
        try (RawRelayRequest raw = new RawRelayRequest(address)) {
            for (int i = 0; i < 3; i++) {
                raw.challenge();
            }
            RelayHttp3Connection.Response refused = raw.post(RelayAuthRequests.CHALLENGE_PATH, new byte[0]);
            assertThat(refused.status()).isEqualTo(429);
        }
    }

    @Test
    void proofsOfTheWrongSizeAre400AndOtherMethodsAre405() throws Exception {
        RelayAddress address = start(loopback());
        try (RawRelayRequest raw = new RawRelayRequest(address)) {
            raw.challenge();
            assertThat(raw.sendProof(new byte[RelayAuthProof.ENCODED_LENGTH - 1]).status()).isEqualTo(400);
            raw.challenge();
            assertThat(raw.sendProof(new byte[RelayAuthProof.ENCODED_LENGTH + 20_000]).status()).isEqualTo(400);
            Map<String, String> get = new java.util.LinkedHashMap<>(RelayAuthRequests.post(address,
                    RelayAuthRequests.CHALLENGE_PATH));
            get.put(":method", "GET");
            RelayHttp3Connection.Exchange answer = raw.connection.http3().send(get, Map.of(), new byte[0]);
            assertThat(answer.status()).isEqualTo(405);
        }
    }
}
