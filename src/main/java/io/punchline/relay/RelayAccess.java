package io.punchline.relay;

import io.punchline.crypto.PeerId;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may bind on a relay (docs/SECURITY.md section 6).
 *
 * <ul>
 *   <li>Open (the default): any client that proves a PeerId (relay authentication) may bind, rate limited per
 *       PeerId and per source address.</li>
 *   <li>Allow list: only the listed PeerIds; others are refused when they present their proof.</li>
 *   <li>Anonymous allowed: clients that know nothing of relay authentication (standard MASQUE clients) may bind too,
 *       rate limited per source address. Authenticated clients keep their per-PeerId limit.</li>
 *   <li>Owned (embedded relays): any authenticated PeerId may use the mailbox, but only the {@link OwnerScope}'s
 *       members, and guests while the owner has a pairing code open, may open CONNECT-UDP requests.</li>
 * </ul>
 *
 * @param allowAnonymous        serve binds on connections that did not authenticate
 * @param allowedPeers          the allow list; empty: any authenticated PeerId
 * @param peerRequestsPerMinute new bind or CONNECT-UDP requests per authenticated PeerId per minute
 * @param owner                 who may hold binds on an embedded relay; null: every admitted client
 */
public record RelayAccess(boolean allowAnonymous, Set<PeerId> allowedPeers, int peerRequestsPerMinute,
                          OwnerScope owner) {

    /** Authenticated clients only, any PeerId, 120 new requests per PeerId per minute. */
    public static final RelayAccess OPEN = new RelayAccess(false, Set.of(), 120, null);

    public RelayAccess {
        allowedPeers = Set.copyOf(allowedPeers);
        if (peerRequestsPerMinute < 1) {
            throw new IllegalArgumentException("requests per PeerId per minute must be positive");
        }
        if (allowAnonymous && !allowedPeers.isEmpty()) {
            throw new IllegalArgumentException("an allow list and --allow-anonymous contradict each other: "
                    + "anonymous clients would bypass the list");
        }
        if (allowAnonymous && owner != null) {
            throw new IllegalArgumentException("an owned relay serves authenticated PeerIds only");
        }
    }

    public RelayAccess withAnonymous(boolean allow) {
        return new RelayAccess(allow, allowedPeers, peerRequestsPerMinute, owner);
    }

    public RelayAccess withAllowedPeers(Set<PeerId> peers) {
        return new RelayAccess(allowAnonymous, peers, peerRequestsPerMinute, owner);
    }

    public RelayAccess withPeerRequestsPerMinute(int perMinute) {
        return new RelayAccess(allowAnonymous, allowedPeers, perMinute, owner);
    }

    /** Binds only for {@code scope}'s members and, while its owner has a pairing code open, a few guests. */
    public RelayAccess withOwner(OwnerScope scope) {
        return new RelayAccess(allowAnonymous, allowedPeers, peerRequestsPerMinute, scope);
    }

    /**
     * Reads an allow-list file: one PeerId fingerprint per line; blank lines and lines starting with {@code #} are
     * skipped. A line that is not a fingerprint is an error naming the line.
     */
    public static Set<PeerId> readAllowList(Path file) throws IOException {
        Set<PeerId> peers = new LinkedHashSet<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                peers.add(PeerId.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allow list " + file + ", line " + (i + 1)
                        + ": not a PeerId fingerprint (" + e.getMessage() + ")");
            }
        }
        return peers;
    }

    /** Whether an authenticated {@code peer} may bind. */
    public boolean admits(PeerId peer) {
        return allowedPeers.isEmpty() || allowedPeers.contains(peer);
    }
}
