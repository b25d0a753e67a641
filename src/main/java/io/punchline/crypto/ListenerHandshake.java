package io.punchline.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;

import static io.punchline.crypto.HandshakeException.Reason.BAD_CONFIRMATION;
import static io.punchline.crypto.HandshakeException.Reason.BAD_SIGNATURE;
import static io.punchline.crypto.HandshakeException.Reason.MALFORMED;
import static io.punchline.crypto.HandshakeException.Reason.PEER_REFUSED;

/** The listening side of {@link PeerHandshake}. Randomness is drawn in this order: encapsulation, nonce, signature. */
final class ListenerHandshake {

    private final Identity self;
    private final PeerPolicy policy;
    private final InputStream in;
    private final OutputStream out;
    private final SecureRandom random;

    ListenerHandshake(Identity self, PeerPolicy policy, InputStream in, OutputStream out, SecureRandom random) {
        this.self = self;
        this.policy = policy;
        this.in = in;
        this.out = out;
        this.random = random;
    }

    SessionSecrets run() throws IOException {
        try {
            return exchange();
        } catch (HandshakeException e) {
            if (e.reason() != HandshakeException.Reason.TRUNCATED
                    && e.reason() != HandshakeException.Reason.PEER_ABORTED) {
                PeerHandshake.abortQuietly(out, e.reason());
            }
            throw e;
        }
    }

    private SessionSecrets exchange() throws IOException {
        HandshakeFraming.Frame helloFrame = HandshakeFraming.readExpecting(in, HandshakeMessage.TYPE_DIALLER_HELLO);
        DiallerHello hello = DiallerHello.decode(helloFrame.body());
        PeerId dialler = PeerId.of(hello.publicKey());
        if (!policy.allows(dialler)) {
            throw new HandshakeException(PEER_REFUSED, "policy refuses dialler " + dialler.fingerprint());
        }
        Transcript transcript = new Transcript(PeerHandshake.transcriptPrefix());
        transcript.absorb(helloFrame.wire());

        MlKem768.Encapsulation encapsulation;
        try {
            encapsulation = MlKem768.encapsulate(hello.encapsulationKey(), random);
        } catch (IllegalArgumentException e) {
            throw new HandshakeException(MALFORMED, "dialler's ML-KEM-768 key is invalid");
        }
        byte[] nonce = new byte[ListenerHello.NONCE_LENGTH];
        random.nextBytes(nonce);
        transcript.absorb(HandshakeFraming.write(out, new ListenerHello(HandshakeMessage.VERSION, nonce,
                encapsulation.ciphertext(), self.publicKey())));
        byte[] hash2 = transcript.hash();
        HandshakeKeys keys = new HandshakeKeys(hash2, encapsulation.sharedSecret());

        PeerId listener = self.peerId();
        byte[] signature = self.sign(PeerHandshake.signedContent(Role.LISTENER, dialler, listener, hash2), random);
        transcript.absorb(HandshakeFraming.write(out,
                new HandshakeProof(signature, keys.confirmation(Role.LISTENER, hash2, signature))));
        byte[] hash3 = transcript.hash();

        HandshakeFraming.Frame proofFrame = HandshakeFraming.readExpecting(in, HandshakeMessage.TYPE_PROOF);
        HandshakeProof proof = HandshakeProof.decode(proofFrame.body());
        if (!Identity.verify(hello.publicKey(),
                PeerHandshake.signedContent(Role.DIALLER, dialler, listener, hash3), proof.signature())) {
            throw new HandshakeException(BAD_SIGNATURE, "dialler's signature does not verify");
        }
        if (!keys.confirms(Role.DIALLER, hash3, proof.signature(), proof.confirmation())) {
            throw new HandshakeException(BAD_CONFIRMATION, "dialler's key confirmation does not match");
        }
        transcript.absorb(proofFrame.wire());
        byte[] hash4 = transcript.hash();
        return new SessionSecrets(Role.LISTENER, keys.sessionSecret(hash4), hash4, dialler, hello.publicKey());
    }
}
