package io.punchline.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import static io.punchline.crypto.HandshakeException.Reason.BAD_SIGNATURE;
import static io.punchline.crypto.HandshakeException.Reason.WRONG_PEER;

/**
 * Mutual ML-DSA-65 authentication of a client and the relay over one QUIC connection (docs/SECURITY.md, "Relay
 * authentication"):
 * <pre>
 *   relay  -- RelayChallenge(relay nonce) -->                      client
 *   relay  <-- RelayAuthProof(pk_client, client nonce, sig_client) -- client
 *   relay  -- RelayAuthAccept(pk_relay, sig_relay) -->             client
 * </pre>
 * Both signatures cover the same transcript, which binds the connection through {@code binding}: the SHA-256
 * fingerprint of the relay's TLS certificate (io.punchline.tls.CertificateFingerprint), which the relay knows as its
 * own and the client saw in the TLS handshake and pinned. Pure functions: the relay integration carries the bytes.
 */
public final class RelayAuth {

    public static final String CONTEXT = "punchline/1 relay auth";
    public static final int BINDING_LENGTH = 32;

    private RelayAuth() {
    }

    /** Client: proves its identity to the relay whose PeerId it pinned. */
    public static RelayAuthProof prove(Identity client, RelayChallenge challenge, byte[] binding, PeerId relay,
                                       SecureRandom random) {
        byte[] clientNonce = new byte[RelayAuthProof.NONCE_LENGTH];
        random.nextBytes(clientNonce);
        byte[] signed = transcript("client", challenge, clientNonce, binding, client.peerId(), relay);
        return new RelayAuthProof(client.publicKey(), clientNonce, client.sign(signed, random));
    }

    /** Relay: checks a client's proof against the challenge it issued; returns the client's proven PeerId. */
    public static PeerId verifyProof(RelayAuthProof proof, RelayChallenge challenge, byte[] binding, PeerId relay)
            throws HandshakeException {
        PeerId client = proof.claimedPeer();
        byte[] signed = transcript("client", challenge, proof.clientNonce(), binding, client, relay);
        if (!Identity.verify(proof.publicKey(), signed, proof.signature())) {
            throw new HandshakeException(BAD_SIGNATURE, "client's relay-auth signature does not verify");
        }
        return client;
    }

    /** Relay: answers a verified proof with its own signature over the same transcript. */
    public static RelayAuthAccept accept(Identity relay, RelayAuthProof proof, RelayChallenge challenge,
                                         byte[] binding, SecureRandom random) {
        byte[] signed = transcript("relay", challenge, proof.clientNonce(), binding, proof.claimedPeer(),
                relay.peerId());
        return new RelayAuthAccept(relay.publicKey(), relay.sign(signed, random));
    }

    /** Client: checks that the relay it pinned signed this connection's transcript. */
    public static void verifyAccept(RelayAuthAccept accept, RelayAuthProof proof, RelayChallenge challenge,
                                    byte[] binding, PeerId pinnedRelay) throws HandshakeException {
        PeerId relay = PeerId.of(accept.publicKey());
        if (!relay.equals(pinnedRelay)) {
            throw new HandshakeException(WRONG_PEER, "expected relay " + pinnedRelay.fingerprint() + " but "
                    + relay.fingerprint() + " answered");
        }
        byte[] signed = transcript("relay", challenge, proof.clientNonce(), binding, proof.claimedPeer(), relay);
        if (!Identity.verify(accept.publicKey(), signed, accept.signature())) {
            throw new HandshakeException(BAD_SIGNATURE, "relay's signature does not verify");
        }
    }

    /**
     * {@code ASCII(CONTEXT) || 0x00 || ASCII(role) || 0x00 || version(2) || relay nonce(32) || client nonce(32) ||
     * binding(32) || client PeerId(32) || relay PeerId(32)}.
     */
    static byte[] transcript(String role, RelayChallenge challenge, byte[] clientNonce, byte[] binding,
                             PeerId client, PeerId relay) {
        if (binding.length != BINDING_LENGTH) {
            throw new IllegalArgumentException("connection binding has " + BINDING_LENGTH + " bytes");
        }
        byte[] context = CONTEXT.getBytes(StandardCharsets.US_ASCII);
        byte[] roleBytes = role.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(context.length + 1 + roleBytes.length + 1 + 2 + 5 * 32)
                .put(context).put((byte) 0).put(roleBytes).put((byte) 0).putShort((short) challenge.version())
                .put(challenge.nonce()).put(clientNonce).put(binding).put(client.bytes()).put(relay.bytes())
                .array();
    }
}
