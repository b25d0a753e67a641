package io.punchline.crypto;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import static io.punchline.crypto.HandshakeException.Reason.BAD_CONFIRMATION;
import static io.punchline.crypto.HandshakeException.Reason.BAD_SIGNATURE;
import static io.punchline.crypto.HandshakeException.Reason.MALFORMED;
import static io.punchline.crypto.HandshakeException.Reason.OVERSIZED;
import static io.punchline.crypto.HandshakeException.Reason.PEER_ABORTED;
import static io.punchline.crypto.HandshakeException.Reason.PEER_REFUSED;
import static io.punchline.crypto.HandshakeException.Reason.TRUNCATED;
import static io.punchline.crypto.HandshakeException.Reason.VERSION_MISMATCH;
import static io.punchline.crypto.HandshakeException.Reason.WRONG_PEER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandshakeTest {

    // Offsets into the recorded bytes (docs/SECURITY.md has the layouts).
    static final int LISTENER_NONCE = 3 + 2;
    static final int LISTENER_CIPHERTEXT = LISTENER_NONCE + 32;
    static final int LISTENER_PROOF = 3 + ListenerHello.BODY_LENGTH;
    static final int LISTENER_SIGNATURE = LISTENER_PROOF + 3;
    static final int LISTENER_CONFIRMATION = LISTENER_SIGNATURE + MlDsa65.SIGNATURE_LENGTH;
    static final int DIALLER_VERSION = 3;
    static final int DIALLER_NONCE = 3 + 2;
    static final int DIALLER_KEM_KEY = DIALLER_NONCE + 32;
    static final int DIALLER_PROOF = 3 + DiallerHello.BODY_LENGTH;
    static final int DIALLER_SIGNATURE = DIALLER_PROOF + 3;
    static final int DIALLER_CONFIRMATION = DIALLER_SIGNATURE + MlDsa65.SIGNATURE_LENGTH;

    static HandshakeFixture.Run session;

    @BeforeAll
    static void recordSession() throws Exception {
        session = HandshakeFixture.run("dialler 1", "listener 1");
    }

    @Test
    void bothSidesAgreeOnPeersTranscriptAndKeys() {
        SessionSecrets d = session.dialler();
        SessionSecrets l = session.listener();
        assertThat(d.peer()).isEqualTo(HandshakeFixture.LISTENER.peerId());
        assertThat(l.peer()).isEqualTo(HandshakeFixture.DIALLER.peerId());
        assertThat(d.peerPublicKey()).isEqualTo(HandshakeFixture.LISTENER.publicKey());
        assertThat(d.transcriptHash()).isEqualTo(l.transcriptHash());
        assertThat(d.probeMacKey()).isEqualTo(l.probeMacKey()).hasSize(32);
        assertThat(d.deriveKey("traversal", 48)).isEqualTo(l.deriveKey("traversal", 48)).hasSize(48);
        assertThat(d.deriveKey("traversal", 32)).isNotEqualTo(d.deriveKey("other", 32));
        assertThat(d.sessionSecret()).isEqualTo(l.sessionSecret());
    }

    @Test
    void messagesHaveTheDocumentedSizes() {
        assertThat(session.diallerBytes()).hasSize(3 + 3170 + 3 + 3341);
        assertThat(session.listenerBytes()).hasSize(3 + 3074 + 3 + 3341);
    }

    @Test
    void toStringRevealsNoKeyMaterial() {
        String text = session.dialler().toString() + HandshakeFixture.DIALLER;
        assertThat(text).doesNotContain(hex(session.dialler().sessionSecret()))
                .contains(HandshakeFixture.LISTENER.peerId().fingerprint());
    }

    @Test
    void diallerExpectingAnotherPeerFailsWithWrongPeer() {
        assertReason(() -> PeerHandshake.dial(HandshakeFixture.DIALLER, HandshakeFixture.STRANGER.peerId(),
                new ByteArrayInputStream(session.listenerBytes()), new ByteArrayOutputStream(),
                new CounterDrbg("dialler 1")), WRONG_PEER);
    }

    @Test
    void diallerWithoutPinAcceptsAnyAuthenticListener() throws IOException {
        SessionSecrets secrets = PeerHandshake.dialAnyPeer(HandshakeFixture.DIALLER,
                new ByteArrayInputStream(session.listenerBytes()), new ByteArrayOutputStream(),
                new CounterDrbg("dialler 1"));
        assertThat(secrets.peer()).isEqualTo(HandshakeFixture.LISTENER.peerId());
    }

    @Test
    void replayingTheRecordedSessionReproducesIt() throws IOException {
        SessionSecrets d = HandshakeFixture.dialReplaying(session.listenerBytes(), "dialler 1");
        SessionSecrets l = HandshakeFixture.listenReplaying(session.diallerBytes(), "listener 1");
        assertThat(d.sessionSecret()).isEqualTo(session.dialler().sessionSecret());
        assertThat(l.sessionSecret()).isEqualTo(session.listener().sessionSecret());
    }

    @Test
    void messagesSplitIntoSingleBytesStillComplete() throws IOException {
        SessionSecrets d = PeerHandshake.dial(HandshakeFixture.DIALLER, HandshakeFixture.LISTENER.peerId(),
                new TrickleInputStream(session.listenerBytes(), 1), new ByteArrayOutputStream(),
                new CounterDrbg("dialler 1"));
        assertThat(d.sessionSecret()).isEqualTo(session.dialler().sessionSecret());
    }

    @Test
    void alteredListenerNonceFailsTheSignature() {
        assertReason(() -> HandshakeFixture.dialReplaying(flip(session.listenerBytes(), LISTENER_NONCE), "dialler 1"),
                BAD_SIGNATURE);
    }

    @Test
    void alteredCiphertextFailsTheSignature() {
        assertReason(() -> HandshakeFixture.dialReplaying(
                flip(session.listenerBytes(), LISTENER_CIPHERTEXT + 100), "dialler 1"), BAD_SIGNATURE);
    }

    @Test
    void alteredDiallerHelloFailsTheDiallersSignature() {
        assertReason(() -> HandshakeFixture.listenReplaying(
                flip(session.diallerBytes(), DIALLER_KEM_KEY + 7), "listener 1"), BAD_SIGNATURE);
    }

    @Test
    void alteredConfirmationFailsKeyConfirmation() {
        assertReason(() -> HandshakeFixture.dialReplaying(
                flip(session.listenerBytes(), LISTENER_CONFIRMATION), "dialler 1"), BAD_CONFIRMATION);
        assertReason(() -> HandshakeFixture.listenReplaying(
                flip(session.diallerBytes(), DIALLER_CONFIRMATION + 31), "listener 1"), BAD_CONFIRMATION);
    }

    @Test
    void swappedSignatureFails() {
        byte[] listenerBytes = session.listenerBytes();
        System.arraycopy(session.diallerBytes(), DIALLER_SIGNATURE, listenerBytes, LISTENER_SIGNATURE,
                MlDsa65.SIGNATURE_LENGTH);
        assertReason(() -> HandshakeFixture.dialReplaying(listenerBytes, "dialler 1"), BAD_SIGNATURE);
    }

    @Test
    void signatureFromAnotherSessionFails() throws Exception {
        HandshakeFixture.Run other = HandshakeFixture.run("dialler 2", "listener 2");
        byte[] diallerBytes = session.diallerBytes();
        System.arraycopy(other.diallerBytes(), DIALLER_SIGNATURE, diallerBytes, DIALLER_SIGNATURE,
                MlDsa65.SIGNATURE_LENGTH);
        assertReason(() -> HandshakeFixture.listenReplaying(diallerBytes, "listener 1"), BAD_SIGNATURE);
    }

    @Test
    void listenerMessagesReplayedToANewDiallerFail() {
        assertReason(() -> HandshakeFixture.dialReplaying(session.listenerBytes(), "dialler 3"), BAD_SIGNATURE);
    }

    @Test
    void diallerMessagesReplayedToANewListenerFail() {
        assertReason(() -> HandshakeFixture.listenReplaying(session.diallerBytes(), "listener 3"), BAD_SIGNATURE);
    }

    @Test
    void truncatedHandshakeFails() {
        byte[] bytes = session.listenerBytes();
        assertReason(() -> HandshakeFixture.dialReplaying(Arrays.copyOf(bytes, LISTENER_CONFIRMATION), "dialler 1"),
                TRUNCATED);
        assertReason(() -> HandshakeFixture.dialReplaying(Arrays.copyOf(bytes, 2), "dialler 1"), TRUNCATED);
        assertReason(() -> HandshakeFixture.listenReplaying(new byte[0], "listener 1"), TRUNCATED);
    }

    @Test
    void oversizedLengthIsRefusedBeforeReading() {
        byte[] bytes = {HandshakeMessage.TYPE_DIALLER_HELLO, (byte) 0xff, (byte) 0xff};
        assertReason(() -> HandshakeFixture.listenReplaying(bytes, "listener 1"), OVERSIZED);
    }

    @Test
    void otherVersionIsRefusedAndAborted() {
        byte[] bytes = session.diallerBytes();
        bytes[DIALLER_VERSION + 1] = 2;
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        assertReason(() -> PeerHandshake.listen(HandshakeFixture.LISTENER, PeerPolicy.ANY,
                new ByteArrayInputStream(bytes), answer, new CounterDrbg("l")), VERSION_MISMATCH);
        assertThat(answer.toByteArray()).containsExactly(HandshakeMessage.TYPE_ABORT, 0, 1,
                VERSION_MISMATCH.code());
        assertReason(() -> HandshakeFixture.dialReplaying(answer.toByteArray(), "dialler 1"), PEER_ABORTED);
    }

    @Test
    void listenerPolicyRefusalReachesBothSides() throws Exception {
        MemoryPipe toListener = new MemoryPipe();
        MemoryPipe toDialler = new MemoryPipe();
        CompletableFuture<HandshakeException> listener = CompletableFuture.supplyAsync(() -> {
            try {
                PeerHandshake.listen(HandshakeFixture.LISTENER, peer -> false, toListener.in(), toDialler.out(),
                        new CounterDrbg("l"));
                return null;
            } catch (HandshakeException e) {
                return e;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertReason(() -> PeerHandshake.dial(HandshakeFixture.DIALLER, HandshakeFixture.LISTENER.peerId(),
                toDialler.in(), toListener.out(), new CounterDrbg("d")), PEER_REFUSED);
        assertThat(HandshakeFixture.await(listener).reason()).isEqualTo(PEER_REFUSED);
    }

    @Test
    void applicationBytesBeforeTheHandshakeAreMalformed() {
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertReason(() -> HandshakeFixture.listenReplaying(http, "listener 1"), MALFORMED);
        assertReason(() -> HandshakeFixture.dialReplaying(http, "dialler 1"), MALFORMED);
    }

    @Test
    void secureRecordsBeforeTheHandshakeAreMalformed() throws IOException {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        try (SecureOutputStream out = session.dialler().secureOutput(1000, records)) {
            out.write("early data".getBytes(StandardCharsets.US_ASCII));
        }
        assertReason(() -> HandshakeFixture.listenReplaying(records.toByteArray(), "listener 1"), MALFORMED);
    }

    @Test
    void listenerHelloInPlaceOfDiallerHelloIsMalformed() {
        assertReason(() -> HandshakeFixture.listenReplaying(session.listenerBytes(), "listener 1"), MALFORMED);
    }

    @Test
    void invalidKemKeyIsMalformed() {
        byte[] bytes = session.diallerBytes();
        Arrays.fill(bytes, DIALLER_KEM_KEY, DIALLER_KEM_KEY + 384, (byte) 0xff);
        assertReason(() -> HandshakeFixture.listenReplaying(bytes, "listener 1"), MALFORMED);
    }

    static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
                             HandshakeException.Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HandshakeException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
