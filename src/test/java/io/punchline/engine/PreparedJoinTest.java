package io.punchline.engine;

import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.pairing.PairingCode;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.PairingKeys;
import io.punchline.pairing.PreparedJoin;
import io.punchline.pairing.RememberedPeers;
import io.punchline.testing.LoopbackRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Quick start (issue 10): a joiner derives the code's Argon2id keys while its engine starts and connects, and the join
 * uses exactly those keys; a wrong code fails as it always did; keys prepared for another relay are never used.
 */
@Timeout(120)
class PreparedJoinTest {

    @RegisterExtension
    final LoopbackRelay relay = new LoopbackRelay();

    @TempDir
    Path homes;

    private final Identity aliceId = Identity.generate(new SecureRandom());
    private final Identity bobId = Identity.generate(new SecureRandom());

    private Engine engine(Identity identity, String name) throws Exception {
        return Engine.start(EngineConfig.of(identity, relay.address())
                .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withTraversal(false)
                .withHome(homes.resolve(name)).withDeviceName(name));
    }

    private PeerId relayPeer() {
        return relay.address().relayPeer();
    }

    private static String withWrongFirstWord(String code) {
        String[] parts = code.split("-");
        String wrongWord = parts[1].equals("abandon") ? "ability" : "abandon";
        return parts[0] + "-" + wrongWord + "-" + parts[2] + "-" + parts[3] + "-" + parts[4];
    }

    @Test
    void keysDerivedBeforeTheJoinersEngineStartedPairIt() throws Exception {
        try (Engine alice = engine(aliceId, "alice")) {
            PairingInvite invite = alice.invite();
            PairingCode code = PairingCode.parse(invite.code());
            CompletableFuture<PairingKeys> keys = PairingKeys.deriveAsync(code, relayPeer());
            keys.get(60, TimeUnit.SECONDS); // derived before bob's engine exists
            try (Engine bob = engine(bobId, "bob")) {
                RememberedPeers.Peer paired = bob.join(PreparedJoin.of(code, relayPeer(), keys)).get(30, TimeUnit.SECONDS);
                assertThat(paired.peerId()).isEqualTo(aliceId.peerId());
                assertThat(invite.paired().get(30, TimeUnit.SECONDS).peerId()).isEqualTo(bobId.peerId());
            }
        }
    }

    @Test
    void theJoinUsesThePreparedKeysAndDoesNotDeriveFromTheCodeAgain() throws Exception {
        try (Engine alice = engine(aliceId, "alice"); Engine bob = engine(bobId, "bob")) {
            PairingInvite invite = alice.invite();
            PairingCode right = PairingCode.parse(invite.code());
            // keys of other words handed over for the right code: a join that derived from the code itself would pair
            PairingKeys other = PairingKeys.derive(PairingCode.parse(withWrongFirstWord(invite.code())), relayPeer());
            CompletableFuture<RememberedPeers.Peer> joined =
                    bob.join(PreparedJoin.of(right, relayPeer(), CompletableFuture.completedFuture(other)));
            assertThatThrownBy(() -> joined.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(PairingException.class)
                    .satisfies(e -> assertThat(((PairingException) e).reason()).isEqualTo(PairingException.Reason.WRONG_CODE));
        }
    }

    @Test
    void aWrongCodeWhoseKeysWerePreparedFailsWithTheSameMessageAsATypedOne() throws Exception {
        try (Engine alice = engine(aliceId, "alice")) {
            PairingInvite first = alice.invite();
            PairingInvite second = alice.invite();
            PreparedJoin prepared = PreparedJoin.start(PairingCode.parse(withWrongFirstWord(first.code())), relayPeer());
            try (Engine bob = engine(bobId, "bob")) {
                ExecutionException viaPrepared = (ExecutionException) org.assertj.core.api.Assertions.catchThrowable(
                        () -> bob.join(prepared).get(30, TimeUnit.SECONDS));
                ExecutionException viaTyped = (ExecutionException) org.assertj.core.api.Assertions.catchThrowable(
                        () -> bob.join(withWrongFirstWord(second.code())).get(30, TimeUnit.SECONDS));
                assertThat(viaPrepared.getCause()).isInstanceOf(PairingException.class)
                        .hasMessage(viaTyped.getCause().getMessage())
                        .hasMessageContaining("does not match");
                assertThat(((PairingException) viaPrepared.getCause()).reason()).isEqualTo(PairingException.Reason.WRONG_CODE);
                assertThatThrownBy(() -> first.paired().get(30, TimeUnit.SECONDS)).cause()
                        .satisfies(e -> assertThat(((PairingException) e).reason())
                                .isEqualTo(PairingException.Reason.PEER_GAVE_WRONG_CODE));
                assertThat(bob.rememberedPeers()).isEmpty();
            }
        }
    }

    @Test
    void keysPreparedForAnotherRelayAreDerivedAgainForTheRelayInUse() throws Exception {
        try (Engine alice = engine(aliceId, "alice"); Engine bob = engine(bobId, "bob")) {
            PairingInvite invite = alice.invite();
            PeerId elsewhere = Identity.generate(new SecureRandom()).peerId();
            PreparedJoin prepared = PreparedJoin.start(PairingCode.parse(invite.code()), elsewhere);
            // keys salted with another relay's PeerId would fail the claim and burn the code
            assertThat(bob.join(prepared).get(60, TimeUnit.SECONDS).peerId()).isEqualTo(aliceId.peerId());
            assertThat(invite.paired().get(30, TimeUnit.SECONDS).peerId()).isEqualTo(bobId.peerId());
        }
    }
}
