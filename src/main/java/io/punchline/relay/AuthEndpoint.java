package io.punchline.relay;

import io.punchline.crypto.HandshakeException;
import io.punchline.crypto.Identity;
import io.punchline.crypto.PeerId;
import io.punchline.crypto.RelayAuth;
import io.punchline.crypto.RelayAuthProof;
import io.punchline.crypto.RelayChallenge;
import io.punchline.tls.CertificateFingerprint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * The relay's side of relay authentication (docs/SECURITY.md section 6) over plain HTTP/3 requests on the client's
 * connection, before its CONNECT:
 * <pre>
 *   POST /.well-known/punchline/auth/challenge  (empty body)          -> 200 RelayChallenge (34 bytes)
 *   POST /.well-known/punchline/auth/proof      RelayAuthProof (5293) -> 200 RelayAuthAccept (5261)
 *                                                                      | 400 malformed | 403 refused | 429
 * </pre>
 * A challenge belongs to the connection it was issued on and is used at most once; a verified proof from an admitted
 * PeerId marks the connection authenticated. The binding is the relay's TLS certificate fingerprint.
 */
final class AuthEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(AuthEndpoint.class);

    /** A response: status, header fields and body (empty for none). */
    record Answer(int status, Map<String, List<String>> fields, byte[] body) {
        static Answer refusal(int status, String proxyStatus) {
            return new Answer(status, RequestDispatch.proxyStatus(proxyStatus), new byte[0]);
        }

        static Answer octets(byte[] body) {
            return new Answer(200, Map.of("content-type", List.of("application/octet-stream")), body);
        }
    }

    private final Identity identity;
    private final byte[] binding;
    private final RelayAccess access;
    private final RequestWindow<ClientKey> challengesPerAddress;
    private final RelayCounters counters;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param challengesPerMinute challenges per client address per minute (each allows one proof verification)
     * @param counters            where failures are counted, by {@link AuthFailure}
     */
    AuthEndpoint(Identity identity, CertificateFingerprint certificate, RelayAccess access, int challengesPerMinute,
                 RelayCounters counters) {
        this.identity = identity;
        this.binding = certificate.sha256();
        this.access = access;
        this.challengesPerAddress = new RequestWindow<>(challengesPerMinute);
        this.counters = counters;
    }

    PeerId relayPeer() {
        return identity.peerId();
    }

    /** Issues a fresh challenge for {@code connection}, replacing any it had outstanding. */
    Answer challenge(RelayConnection connection) {
        if (!challengesPerAddress.tryCount(connection.clientKey())) {
            counters.authFailed(AuthFailure.TOO_MANY_CHALLENGES);
            return Answer.refusal(429, "proxy_internal_error; details=\"too many authentication attempts from this address\"");
        }
        RelayChallenge challenge = RelayChallenge.issue(random);
        connection.challengeIssued(challenge);
        return Answer.octets(challenge.toBytes());
    }

    /** Checks a proof body against {@code connection}'s outstanding challenge, which it uses up either way. */
    Answer proof(RelayConnection connection, byte[] body) {
        RelayChallenge challenge = connection.takeChallenge();
        RelayAuthProof proof;
        try {
            proof = RelayAuthProof.decode(ByteBuffer.wrap(body));
        } catch (HandshakeException e) {
            counters.authFailed(AuthFailure.MALFORMED_PROOF);
            return Answer.refusal(400, "http_request_error; details=\"" + e.getMessage() + "\"");
        }
        if (challenge == null) {
            counters.authFailed(AuthFailure.NO_CHALLENGE);
            return Answer.refusal(403, "http_request_denied; details=\"no outstanding challenge on this connection\"");
        }
        PeerId peer;
        try {
            peer = RelayAuth.verifyProof(proof, challenge, binding, identity.peerId());
        } catch (HandshakeException e) {
            LOG.debug("relay authentication from {} failed: {}", connection.client(), e.getMessage());
            counters.authFailed(AuthFailure.BAD_PROOF);
            return Answer.refusal(403, "http_request_denied; details=\"proof does not verify\"");
        }
        if (!access.admits(peer)) {
            LOG.info("refused {} from {}: not on the allow list", peer.fingerprint(), connection.client());
            counters.authFailed(AuthFailure.NOT_ALLOWED);
            return Answer.refusal(403, "http_request_denied; details=\"PeerId not on this relay's allow list\"");
        }
        connection.authenticated(peer);
        LOG.debug("{} authenticated as {}", connection.client(), peer.fingerprint());
        return Answer.octets(RelayAuth.accept(identity, proof, challenge, binding, random).toBytes());
    }
}
