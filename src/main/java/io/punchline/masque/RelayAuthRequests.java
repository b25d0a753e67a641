package io.punchline.masque;

import io.punchline.crypto.HandshakeException;
import io.punchline.crypto.Identity;
import io.punchline.crypto.RelayAuth;
import io.punchline.crypto.RelayAuthAccept;
import io.punchline.crypto.RelayAuthProof;
import io.punchline.crypto.RelayChallenge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Relay authentication over HTTP/3 (docs/SECURITY.md section 6.4): two POST requests on the client's connection to
 * the relay, before its CONNECT. The paths are shared with the relay; {@link #authenticate} is the client's side.
 */
public final class RelayAuthRequests {

    public static final String CHALLENGE_PATH = "/.well-known/punchline/auth/challenge";
    public static final String PROOF_PATH = "/.well-known/punchline/auth/proof";
    /** The relay's answer to a CONNECT from a connection that did not authenticate (RFC 9110 section 11.6.1). */
    public static final String AUTH_SCHEME = "Punchline-Relay-Auth";

    private RelayAuthRequests() {
    }

    /** Pseudo-header fields of a POST to {@code path} on the relay. */
    static Map<String, String> post(RelayAddress relay, String path) {
        Map<String, String> pseudo = new LinkedHashMap<>();
        pseudo.put(":method", "POST");
        pseudo.put(":scheme", "https");
        pseudo.put(":authority", relay.authority());
        pseudo.put(":path", path);
        return pseudo;
    }

    /**
     * Proves {@code identity} to the relay and checks the relay's answer against the pinned relay PeerId.
     *
     * @throws BindException when the relay address pins no PeerId, the relay refuses the proof, or its accept is not
     *                       signed by the pinned relay for this connection
     */
    static void authenticate(RelayHttp3Connection http3, RelayAddress relay, Identity identity) throws BindException {
        if (relay.relayPeer() == null) {
            throw new BindException("relay address " + relay + " pins no relay PeerId, so the relay cannot be "
                    + "authenticated; use HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID as the relay printed it");
        }
        byte[] binding = relay.fingerprint().sha256();
        SecureRandom random = new SecureRandom();
        try {
            RelayChallenge challenge = RelayChallenge.decode(ByteBuffer.wrap(
                    body(relay, "challenge", http3.post(post(relay, CHALLENGE_PATH), new byte[0],
                            RelayChallenge.ENCODED_LENGTH))));
            RelayAuthProof proof = RelayAuth.prove(identity, challenge, binding, relay.relayPeer(), random);
            RelayAuthAccept accept = RelayAuthAccept.decode(ByteBuffer.wrap(
                    body(relay, "proof", http3.post(post(relay, PROOF_PATH), proof.toBytes(),
                            RelayAuthAccept.ENCODED_LENGTH))));
            RelayAuth.verifyAccept(accept, proof, challenge, binding, relay.relayPeer());
        } catch (HandshakeException e) {
            throw new BindException("relay " + relay.authority() + " failed authentication: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BindException("relay authentication with " + relay.authority() + " failed: " + e.getMessage(), e);
        }
    }

    private static byte[] body(RelayAddress relay, String step, RelayHttp3Connection.Response response)
            throws BindException {
        if (response.status() == 200) {
            return response.body();
        }
        int status = response.status();
        String why = switch (status) {
            case 403 -> "refused our " + step + ": HTTP 403";
            case 429 -> "is rate limiting authentication (HTTP 429); try again in a minute";
            case 404 -> "does not offer relay authentication (HTTP 404: an older or a foreign relay)";
            default -> "answered our " + step + " with HTTP " + status;
        };
        String hint = status == 403 && step.equals("proof") && response.proxyStatusDetail().contains("verify")
                ? "; the proof names the relay PeerId we pinned: is it the one this relay printed?" : "";
        throw new BindException("relay " + relay.authority() + " " + why + response.proxyStatusDetail() + hint);
    }
}
