package io.punchline.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;

import static io.punchline.crypto.HandshakeException.Reason.BAD_CONFIRMATION;
import static io.punchline.crypto.HandshakeException.Reason.BAD_SIGNATURE;
import static io.punchline.crypto.HandshakeException.Reason.WRONG_PEER;

/** The dialling side of {@link PeerHandshake}. Randomness is drawn in this order: nonce, ML-KEM key, signature. */
final class DiallerHandshake {

    private final Identity self;
    private final PeerId expectedPeer;
    private final InputStream in;
    private final OutputStream out;
    private final SecureRandom random;

    DiallerHandshake(Identity self, PeerId expectedPeer, InputStream in, OutputStream out, SecureRandom random) {
        this.self = self;
        this.expectedPeer = expectedPeer;
        this.in = in;
        this.out = out;
        this.random = random;
    }

    SessionSecrets run() throws IOException {
        try {
            return exchange();
        } catch (HandshakeException e) {
            if (e.reason() != HandshakeException.Reason.TRUNCATED
                    && e.reason() != HandshakeException.Reason.PEER_REFUSED
                    && e.reason() != HandshakeException.Reason.PEER_ABORTED) {
                PeerHandshake.abortQuietly(out, e.reason());
            }
            throw e;
        }
    }

    private SessionSecrets exchange() throws IOException {
        byte[] nonce = new byte[DiallerHello.NONCE_LENGTH];
        random.nextBytes(nonce);
        MlKem768.EphemeralKeyPair ephemeral = MlKem768.generate(random);
        Transcript transcript = new Transcript(PeerHandshake.transcriptPrefix());
        transcript.absorb(HandshakeFraming.write(out, new DiallerHello(HandshakeMessage.VERSION, nonce,
                ephemeral.encapsulationKey(), self.publicKey())));

        HandshakeFraming.Frame helloFrame = HandshakeFraming.readExpecting(in, HandshakeMessage.TYPE_LISTENER_HELLO);
        ListenerHello hello = ListenerHello.decode(helloFrame.body());
        PeerId listener = PeerId.of(hello.publicKey());
        if (expectedPeer != null && !expectedPeer.equals(listener)) {
            throw new HandshakeException(WRONG_PEER, "expected " + expectedPeer.fingerprint() + " but "
                    + listener.fingerprint() + " answered");
        }
        transcript.absorb(helloFrame.wire());
        byte[] hash2 = transcript.hash();
        HandshakeKeys keys = new HandshakeKeys(hash2, MlKem768.decapsulate(ephemeral.decapsulationKey(),
                hello.ciphertext()));

        HandshakeFraming.Frame proofFrame = HandshakeFraming.readExpecting(in, HandshakeMessage.TYPE_PROOF);
        HandshakeProof proof = HandshakeProof.decode(proofFrame.body());
        PeerId dialler = self.peerId();
        if (!Identity.verify(hello.publicKey(),
                PeerHandshake.signedContent(Role.LISTENER, dialler, listener, hash2), proof.signature())) {
            throw new HandshakeException(BAD_SIGNATURE, "listener's signature does not verify");
        }
        if (!keys.confirms(Role.LISTENER, hash2, proof.signature(), proof.confirmation())) {
            throw new HandshakeException(BAD_CONFIRMATION, "listener's key confirmation does not match");
        }
        transcript.absorb(proofFrame.wire());
        byte[] hash3 = transcript.hash();

        byte[] signature = self.sign(PeerHandshake.signedContent(Role.DIALLER, dialler, listener, hash3), random);
        transcript.absorb(HandshakeFraming.write(out,
                new HandshakeProof(signature, keys.confirmation(Role.DIALLER, hash3, signature))));
        byte[] hash4 = transcript.hash();
        return new SessionSecrets(Role.DIALLER, keys.sessionSecret(hash4), hash4, listener, hello.publicKey());
    }
}
