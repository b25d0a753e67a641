package io.punchline.nat;

/**
 * A candidate pair, RFC 8445 section 6.1.2.2, formed by the client (the dialler, ICE's controlling agent): its own
 * candidate and one the server advertised with the ADD_ADDRESS of sequence number {@code remoteSequence}. Priority per
 * section 6.1.2.3: {@code 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)}, G the controlling (local) candidate's priority,
 * D the controlled (remote) one's.
 */
public record CandidatePair(Candidate local, Candidate remote, long remoteSequence) {

    public CandidatePair {
        if (local == null || remote == null) {
            throw new IllegalArgumentException("both candidates are required");
        }
        TraversalMessage.requireVarint(remoteSequence, "remote sequence number");
    }

    public long priority() {
        return pairPriority(local.priority(), remote.priority());
    }

    /** RFC 8445 section 6.1.2.3; fits a {@code long} for candidate priorities below 2^31. */
    public static long pairPriority(long controlling, long controlled) {
        return (Math.min(controlling, controlled) << 32) + 2 * Math.max(controlling, controlled)
                + (controlling > controlled ? 1 : 0);
    }

    /** The frame asking the server to probe toward this pair's client address in {@code round}. */
    public PunchMeNow punchMeNow(long round) {
        return new PunchMeNow(round, remoteSequence, local.address());
    }

    /** Two pairs with the same addresses make the same probes: the pairing keeps one. */
    boolean sameAddresses(CandidatePair other) {
        return local.address().equals(other.local.address()) && remote.address().equals(other.remote.address());
    }

    @Override
    public String toString() {
        return local.address() + " -> " + remote.address() + " (seq " + remoteSequence + ", " + priority() + ")";
    }
}
