package io.punchline.crypto;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayAuthTest {

    static final Identity RELAY = Identity.generate(new CounterDrbg("relay identity"));
    static final Identity CLIENT = HandshakeFixture.DIALLER;
    static final byte[] BINDING = new byte[32];

    @Test
    void clientAndRelayAuthenticateEachOther() throws HandshakeException {
        RelayChallenge challenge = RelayChallenge.issue(new CounterDrbg("relay"));
        RelayAuthProof proof = RelayAuth.prove(CLIENT, challenge, BINDING, RELAY.peerId(), new CounterDrbg("c"));
        assertThat(RelayAuth.verifyProof(proof, challenge, BINDING, RELAY.peerId())).isEqualTo(CLIENT.peerId());
        RelayAuthAccept accept = RelayAuth.accept(RELAY, proof, challenge, BINDING, new CounterDrbg("r"));
        RelayAuth.verifyAccept(accept, proof, challenge, BINDING, RELAY.peerId());
    }

    @Test
    void messagesRoundTripThroughTheirCodecs() throws HandshakeException {
        RelayChallenge challenge = RelayChallenge.issue(new CounterDrbg("relay"));
        RelayAuthProof proof = RelayAuth.prove(CLIENT, challenge, BINDING, RELAY.peerId(), new CounterDrbg("c"));
        RelayAuthAccept accept = RelayAuth.accept(RELAY, proof, challenge, BINDING, new CounterDrbg("r"));
        assertThat(RelayChallenge.decode(ByteBuffer.wrap(challenge.toBytes())).toBytes()).isEqualTo(challenge.toBytes())
                .hasSize(challenge.encodedLength());
        assertThat(RelayAuthProof.decode(ByteBuffer.wrap(proof.toBytes())).toBytes()).isEqualTo(proof.toBytes())
                .hasSize(proof.encodedLength());
        assertThat(RelayAuthAccept.decode(ByteBuffer.wrap(accept.toBytes())).toBytes()).isEqualTo(accept.toBytes())
                .hasSize(accept.encodedLength());
    }

    @Test
    void aRelayOtherThanThePinnedOneIsWrongPeer() {
        RelayChallenge challenge = RelayChallenge.issue(new CounterDrbg("relay"));
        RelayAuthProof proof = RelayAuth.prove(CLIENT, challenge, BINDING, RELAY.peerId(), new CounterDrbg("c"));
        RelayAuthAccept impostor = RelayAuth.accept(HandshakeFixture.STRANGER, proof, challenge, BINDING,
                new CounterDrbg("r"));
        assertReason(() -> RelayAuth.verifyAccept(impostor, proof, challenge, BINDING, RELAY.peerId()),
                HandshakeException.Reason.WRONG_PEER);
    }

    @Test
    void aProofForAnotherConnectionOrChallengeFails() {
        RelayChallenge challenge = RelayChallenge.issue(new CounterDrbg("relay"));
        RelayAuthProof proof = RelayAuth.prove(CLIENT, challenge, BINDING, RELAY.peerId(), new CounterDrbg("c"));
        byte[] otherBinding = BINDING.clone();
        otherBinding[0] = 1;
        assertReason(() -> RelayAuth.verifyProof(proof, challenge, otherBinding, RELAY.peerId()),
                HandshakeException.Reason.BAD_SIGNATURE);
        RelayChallenge later = RelayChallenge.issue(new CounterDrbg("relay later"));
        assertReason(() -> RelayAuth.verifyProof(proof, later, BINDING, RELAY.peerId()),
                HandshakeException.Reason.BAD_SIGNATURE);
        assertReason(() -> RelayAuth.verifyProof(proof, challenge, BINDING, HandshakeFixture.STRANGER.peerId()),
                HandshakeException.Reason.BAD_SIGNATURE);
    }

    @Test
    void aRelaySignatureFromAnotherExchangeFails() {
        RelayChallenge challenge = RelayChallenge.issue(new CounterDrbg("relay"));
        RelayAuthProof proof = RelayAuth.prove(CLIENT, challenge, BINDING, RELAY.peerId(), new CounterDrbg("c"));
        RelayAuthProof otherProof = RelayAuth.prove(CLIENT, challenge, BINDING, RELAY.peerId(), new CounterDrbg("c2"));
        RelayAuthAccept old = RelayAuth.accept(RELAY, otherProof, challenge, BINDING, new CounterDrbg("r"));
        assertReason(() -> RelayAuth.verifyAccept(old, proof, challenge, BINDING, RELAY.peerId()),
                HandshakeException.Reason.BAD_SIGNATURE);
    }

    @Test
    void codecsRefuseWrongSizesAndVersions() {
        assertReason(() -> RelayChallenge.decode(ByteBuffer.allocate(33)), HandshakeException.Reason.TRUNCATED);
        assertReason(() -> RelayChallenge.decode(ByteBuffer.allocate(35)), HandshakeException.Reason.OVERSIZED);
        assertReason(() -> RelayChallenge.decode(ByteBuffer.allocate(34)), HandshakeException.Reason.VERSION_MISMATCH);
        assertReason(() -> RelayAuthProof.decode(ByteBuffer.allocate(100_000)), HandshakeException.Reason.OVERSIZED);
        assertReason(() -> RelayAuthAccept.decode(ByteBuffer.allocate(10)), HandshakeException.Reason.TRUNCATED);
    }

    static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
                             HandshakeException.Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HandshakeException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
