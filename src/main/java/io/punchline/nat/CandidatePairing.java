package io.punchline.nat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forms and orders the client's candidate pairs, after RFC 8445 section 6.1.2 (6.1.2.2 forming, 6.1.2.3 ordering by
 * pair priority, 6.1.2.4 pruning, 6.1.2.5 the limit of 100 pairs) as draft-seemann-quic-nat-traversal-02 suggests,
 * and RFC 8421 section 4 across address families.
 *
 * <p>Rules, and why:
 * <ul>
 *   <li>Only candidates of the same address family pair (section 6.1.2.2).</li>
 *   <li>No pair has a RELAYED candidate on either side: the relay path is the connection's starting point and its
 *       fallback, handled by the path layer, never something to punch.</li>
 *   <li>Heuristic: a remote address that is not public pairs only with a local address of the same site
 *       ({@link AddressScope#sameSite}), for example both in 192.168.0.0/16; and a local loopback or link-local
 *       address pairs only with a remote one of the same site. Anything else cannot be reached and would only make
 *       the server probe into its own network. Private local addresses do pair with public remote ones (the ordinary
 *       host-behind-NAT case).</li>
 *   <li>Pruning: Punchline sends every probe from its one UDP socket, so the local candidate only decides where the
 *       server probes. Two pairs are redundant when both addresses are equal (a public host address that is also its
 *       own server-reflexive one, or one address advertised twice); the higher-priority one is kept.</li>
 *   <li>Order: pair priority descending; ties by remote sequence number, then local candidate priority, so the order
 *       is deterministic. Then the families take turns, IPv6 first (RFC 8421 section 4: a host with many IPv6
 *       addresses, or a broken IPv6 path, must not hold the IPv4 pairs back for rounds); rounds of
 *       {@link PunchScheduler} take pairs in this order, so a round of two or more pairs tries both families.</li>
 * </ul>
 */
public final class CandidatePairing {

    /** RFC 8445 section 6.1.2.5: "the default limit ... SHOULD be 100". */
    public static final int DEFAULT_MAX_PAIRS = 100;

    private static final Comparator<CandidatePair> ORDER = Comparator
            .comparingLong(CandidatePair::priority).reversed()
            .thenComparingLong(CandidatePair::remoteSequence)
            .thenComparing(Comparator.comparingLong((CandidatePair p) -> p.local().priority()).reversed());

    private CandidatePairing() {
    }

    /** Pairs of {@code local} candidates with the {@code remote} ones keyed by ADD_ADDRESS sequence number. */
    public static List<CandidatePair> pairs(Collection<Candidate> local, Map<Long, Candidate> remote) {
        return pairs(local, remote, DEFAULT_MAX_PAIRS);
    }

    public static List<CandidatePair> pairs(Collection<Candidate> local, Map<Long, Candidate> remote, int maxPairs) {
        List<CandidatePair> formed = new ArrayList<>();
        for (Map.Entry<Long, Candidate> r : remote.entrySet()) {
            for (Candidate l : local) {
                if (canPair(l, r.getValue())) {
                    formed.add(new CandidatePair(l, r.getValue(), r.getKey()));
                }
            }
        }
        formed.sort(ORDER);
        List<CandidatePair> kept = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        for (CandidatePair pair : formed) {
            if (seen.add(List.of(pair.local().address(), pair.remote().address()))) {
                kept.add(pair);
            }
        }
        return interleaved(kept, maxPairs);
    }

    /**
     * RFC 8421 section 4: the pairs of {@code ordered} with the two address families taking turns, IPv6 first, each
     * family's pairs in their order; once one family runs out the other's follow. At most {@code maxPairs}.
     */
    static List<CandidatePair> interleaved(List<CandidatePair> ordered, int maxPairs) {
        Deque<CandidatePair> ipv6 = new ArrayDeque<>();
        Deque<CandidatePair> ipv4 = new ArrayDeque<>();
        for (CandidatePair pair : ordered) {
            (pair.local().isIpv4() ? ipv4 : ipv6).add(pair);
        }
        List<CandidatePair> result = new ArrayList<>(Math.min(ordered.size(), maxPairs));
        boolean ipv6Next = true;
        while (result.size() < maxPairs && !(ipv6.isEmpty() && ipv4.isEmpty())) {
            Deque<CandidatePair> from = (ipv6Next && !ipv6.isEmpty()) || ipv4.isEmpty() ? ipv6 : ipv4;
            result.add(from.poll());
            ipv6Next = from == ipv4;
        }
        return List.copyOf(result);
    }

    /** The rules in the class comment. */
    public static boolean canPair(Candidate local, Candidate remote) {
        if (local.type() == Candidate.Type.RELAYED || remote.type() == Candidate.Type.RELAYED
                || local.isIpv4() != remote.isIpv4()) {
            return false;
        }
        AddressScope localScope = local.scope();
        AddressScope remoteScope = remote.scope();
        if (remoteScope == AddressScope.PUBLIC) {
            return localScope == AddressScope.PUBLIC || localScope == AddressScope.PRIVATE;
        }
        return AddressScope.sameSite(local.address().getAddress(), remote.address().getAddress());
    }
}
