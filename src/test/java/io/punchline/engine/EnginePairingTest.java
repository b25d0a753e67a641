package io.punchline.engine;

import io.punchline.crypto.Identity;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.RememberedPeers;
import io.punchline.session.PeerSession;
import io.punchline.testing.LoopbackRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pairing two engines by code through a real relay's mailbox, then reaching the remembered peer without a code. */
@Timeout(120)
class EnginePairingTest {

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

    @Test
    void bothSidesRememberEachOtherAndARememberedPeerIsReachedAgainWithoutACode() throws Exception {
        try (Engine bob = engine(bobId, "bob")) {
            bob.acceptOnlyRememberedPeers();
            List<EngineEvent> bobEvents = new CopyOnWriteArrayList<>();
            bob.events().subscribe(timed -> bobEvents.add(timed.event()));
            RememberedPeers.Peer bobAsSeenByAlice;
            try (Engine alice = engine(aliceId, "alice")) {
                PairingInvite invite = alice.invite();
                assertThat(invite.code()).matches("\\d+(-[a-z]+){4}");
                RememberedPeers.Peer aliceAsSeenByBob = bob.join(invite.code().toUpperCase().replace('-', ' '))
                        .get(30, TimeUnit.SECONDS);
                bobAsSeenByAlice = invite.paired().get(30, TimeUnit.SECONDS);
                assertThat(aliceAsSeenByBob.name()).isEqualTo("alice");
                assertThat(aliceAsSeenByBob.peerId()).isEqualTo(aliceId.peerId());
                assertThat(bobAsSeenByAlice.name()).isEqualTo("bob");
                assertThat(bobAsSeenByAlice.peerId()).isEqualTo(bobId.peerId());
                assertThat(bobEvents).anyMatch(e -> e instanceof EngineEvent.Paired p && p.peerName().equals("alice"));

                PeerSession session = alice.connect(bobAsSeenByAlice);
                assertThat(session.peer()).isEqualTo(bobId.peerId());
            }
            // a new run of alice's installation (same identity and folder) finds bob through the relay, no code
            try (Engine alice = engine(aliceId, "alice")) {
                RememberedPeers.Peer remembered = alice.rememberedPeer("bob").orElseThrow();
                PeerSession session = alice.connect(remembered);
                assertThat(session.peer()).isEqualTo(bobId.peerId());
            }
        }
    }

    @Test
    void aWrongCodeFailsBothSidesClearlyAndANewCodeWorks() throws Exception {
        try (Engine alice = engine(aliceId, "alice"); Engine bob = engine(bobId, "bob")) {
            PairingInvite invite = alice.invite();
            String[] parts = invite.code().split("-");
            String wrongWord = parts[1].equals("abandon") ? "ability" : "abandon";
            String wrong = parts[0] + "-" + wrongWord + "-" + parts[2] + "-" + parts[3] + "-" + parts[4];
            CompletableFuture<RememberedPeers.Peer> joined = bob.join(wrong);
            assertThatThrownBy(() -> joined.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PairingException.class)
                    .satisfies(e -> assertThat(((PairingException) e).reason()).isEqualTo(PairingException.Reason.WRONG_CODE))
                    .hasMessageContaining("does not match");
            assertThatThrownBy(() -> invite.paired().get(30, TimeUnit.SECONDS)).cause()
                    .satisfies(e -> assertThat(((PairingException) e).reason())
                            .isEqualTo(PairingException.Reason.PEER_GAVE_WRONG_CODE));
            // the burnt code stays void, even with the right words
            assertThatThrownBy(() -> bob.join(invite.code()).get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(PairingException.class);
            assertThat(bob.rememberedPeers()).isEmpty();

            PairingInvite again = alice.invite();
            assertThat(again.code().split("-")[0]).isNotEqualTo(parts[0]);
            assertThat(bob.join(again.code()).get(30, TimeUnit.SECONDS).name()).isEqualTo("alice");
            assertThat(again.paired().get(30, TimeUnit.SECONDS).name()).isEqualTo("bob");
        }
    }

    @Test
    void aForgottenPeerCanNoLongerDialOrFindUs() throws Exception {
        try (Engine alice = engine(aliceId, "alice"); Engine bob = engine(bobId, "bob")) {
            bob.acceptOnlyRememberedPeers();
            PairingInvite invite = alice.invite();
            bob.join(invite.code()).get(30, TimeUnit.SECONDS);
            RememberedPeers.Peer bobPeer = invite.paired().get(30, TimeUnit.SECONDS);
            bob.renamePeer("alice", "Alice's laptop");
            assertThat(bob.rememberedPeer("Alice's laptop")).isPresent();
            InetSocketAddress bobBind = bob.contact().bindAddress();
            assertThat(bob.forgetPeer("Alice's laptop")).isTrue();

            assertThatThrownBy(() -> alice.connect(bobPeer)).hasMessageContaining("not online");
            assertThatThrownBy(() -> alice.dial(new io.punchline.session.PeerContact(bobId.peerId(), bobBind,
                    relay.address()))).as("refused: a handshake abort, or the connection closed under it")
                    .isInstanceOf(java.io.IOException.class);
        }
    }
}
