package io.punchline.nat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The client's side of draft-seemann-quic-nat-traversal-02, sections "Address Matching" and "Probing Rounds": pairs its
 * candidates with those the server advertises, and runs the pairs in rounds of at most the server's concurrency limit
 * (the value of its {@code nat_traversal} transport parameter).
 *
 * <p>No clock and no I/O inside: every event carries the caller's {@code nowMillis}, and a method returns the
 * {@link PunchOrder} to carry out, if any. The caller calls {@link #onTimer(long)} at {@link #nextDeadlineMillis()}.
 *
 * <ul>
 *   <li>A round starts with the best NEW pairs, at most the limit; their state becomes PUNCHING.</li>
 *   <li>Re-planning on a new or removed candidate: new pairs join the running round while it has room (same Round
 *       number: the limit counts PUNCH_ME_NOW frames per round, and frames of removed pairs still count); when it is
 *       full and a new pair outranks one of its pairs, or removals left it short, a new round with the best pairs
 *       replaces it. Pairs cancelled that way go back to NEW: they were not
 *       given their full time. Pairs whose candidate was removed are dropped.</li>
 *   <li>A round with no validated pair at its deadline ({@link Settings#roundTimeoutMillis}) marks its pairs FAILED and
 *       the next round takes the next NEW pairs.</li>
 *   <li>When every pair has failed, all are retried after a backoff that doubles from
 *       {@link Settings#initialBackoffMillis} to {@link Settings#maxBackoffMillis}. A new pair does not wait for it.</li>
 *   <li>The first validated pair ends traversal; {@link #onPathLost(long)} starts it again after the initial backoff.
 *   </li>
 * </ul>
 *
 * <p>Not thread-safe: one scheduler per peer connection, driven from the session's thread.
 */
public final class PunchScheduler {

    /**
     * @param roundTimeoutMillis how long a round's probes may take; RFC 9000 section 8.2.4 recommends 3 x PTO, about
     *     3 s with the initial RTT of 333 ms
     */
    public record Settings(long roundTimeoutMillis, long initialBackoffMillis, long maxBackoffMillis, int maxPairs) {

        public Settings {
            if (roundTimeoutMillis <= 0 || initialBackoffMillis <= 0 || maxBackoffMillis < initialBackoffMillis
                    || maxPairs <= 0) {
                throw new IllegalArgumentException("invalid punch settings");
            }
        }

        public static Settings defaults() {
            return new Settings(3_000, 5_000, 60_000, CandidatePairing.DEFAULT_MAX_PAIRS);
        }
    }

    public enum PairState { NEW, PUNCHING, VALIDATED, FAILED }

    /** A pair, its state and when it entered that state. */
    public record PairStatus(CandidatePair pair, PairState state, long sinceMillis) {
    }

    private static final Comparator<CandidatePair> BY_PRIORITY =
            Comparator.comparingLong(CandidatePair::priority).reversed();

    private final int concurrencyLimit;
    private final Settings settings;
    private final Set<InetSocketAddress> peerRelayAddresses;
    private final Map<Long, Candidate> remote = new LinkedHashMap<>();
    private List<Candidate> local = List.of();
    private List<CandidatePair> pairs = List.of();
    private final Map<CandidatePair, PairStatus> status = new HashMap<>();
    private PunchRound current;
    private long lastRoundNumber;
    /** PUNCH_ME_NOW frames sent in the current round: the server counts frames, removed pairs included. */
    private int sentInRound;
    private CandidatePair validated;
    private long retryAtMillis = -1;
    private long nextBackoffMillis;

    /**
     * @param concurrencyLimit the server's {@code nat_traversal} transport parameter, at least 1
     * @param peerRelayAddresses the peer's relayed addresses (its bind address at the relay): advertised ones are
     *     RELAYED candidates and never punched
     */
    public PunchScheduler(long concurrencyLimit, Settings settings, Set<InetSocketAddress> peerRelayAddresses) {
        if (concurrencyLimit < 1) {
            throw new IllegalArgumentException("the concurrency limit must be at least 1, not " + concurrencyLimit);
        }
        this.concurrencyLimit = (int) Math.min(concurrencyLimit, Integer.MAX_VALUE);
        this.settings = settings;
        this.peerRelayAddresses = Set.copyOf(peerRelayAddresses);
        this.nextBackoffMillis = settings.initialBackoffMillis();
    }

    public PunchScheduler(long concurrencyLimit) {
        this(concurrencyLimit, Settings.defaults(), Set.of());
    }

    /** Replaces the client's own candidates (host, server-reflexive, relayed) and re-plans. */
    public Optional<PunchOrder> onLocalCandidates(Collection<Candidate> candidates, long nowMillis) {
        local = List.copyOf(candidates);
        return replan(nowMillis);
    }

    /**
     * A server candidate. A repeated ADD_ADDRESS (a retransmission) changes nothing; one that reuses a sequence number
     * for another address replaces the old address (the draft is silent; this treats it as REMOVE then ADD).
     */
    public Optional<PunchOrder> onAddAddress(AddAddress frame, long nowMillis) {
        if (!Candidate.isUsable(frame.address())) {
            return Optional.empty();
        }
        Candidate candidate = peerRelayAddresses.contains(frame.address())
                ? Candidate.of(Candidate.Type.RELAYED, frame.address())
                : Candidate.inferred(frame.address());
        if (candidate.equals(remote.put(frame.sequence(), candidate))) {
            return Optional.empty();
        }
        return replan(nowMillis);
    }

    /** A server candidate withdrawn; an unknown sequence number is ignored (it may have been unusable). */
    public Optional<PunchOrder> onRemoveAddress(RemoveAddress frame, long nowMillis) {
        if (remote.remove(frame.sequence()) == null) {
            return Optional.empty();
        }
        return replan(nowMillis);
    }

    /**
     * A probe to {@code remoteAddress} was answered: the highest-priority pair with that remote address in the current
     * round (else any pair with it, as a late answer still proves the path) becomes VALIDATED, and traversal stops.
     */
    public Optional<CandidatePair> onValidated(InetSocketAddress remoteAddress, long nowMillis) {
        List<CandidatePair> inRound = current == null ? List.of() : current.pairs();
        Optional<CandidatePair> pair = inRound.stream().filter(p -> p.remote().address().equals(remoteAddress))
                .findFirst()
                .or(() -> pairs.stream().filter(p -> p.remote().address().equals(remoteAddress)).findFirst());
        pair.ifPresent(p -> {
            cancelRound(nowMillis);
            set(p, PairState.VALIDATED, nowMillis);
            validated = p;
            retryAtMillis = -1;
            nextBackoffMillis = settings.initialBackoffMillis();
        });
        return pair;
    }

    /** The validated direct path stopped answering: it is FAILED and every pair is retried after the initial backoff. */
    public void onPathLost(long nowMillis) {
        if (validated == null) {
            return;
        }
        set(validated, PairState.FAILED, nowMillis);
        validated = null;
        for (CandidatePair p : pairs) {
            set(p, PairState.FAILED, nowMillis);
        }
        scheduleRetry(nowMillis);
    }

    /** Round deadline and backoff expiry; call at {@link #nextDeadlineMillis()} (calling early does nothing). */
    public Optional<PunchOrder> onTimer(long nowMillis) {
        if (current != null && nowMillis >= current.deadlineMillis()) {
            for (CandidatePair p : current.pairs()) {
                set(p, PairState.FAILED, nowMillis);
            }
            current = null;
            return nextRound(nowMillis);
        }
        if (current == null && retryAtMillis >= 0 && nowMillis >= retryAtMillis) {
            retryAtMillis = -1;
            for (CandidatePair p : pairs) {
                if (status.get(p).state() == PairState.FAILED) {
                    set(p, PairState.NEW, nowMillis);
                }
            }
            return nextRound(nowMillis);
        }
        return Optional.empty();
    }

    /** When {@link #onTimer(long)} has something to do: the round's deadline or the end of the backoff. */
    public OptionalLong nextDeadlineMillis() {
        if (current != null) {
            return OptionalLong.of(current.deadlineMillis());
        }
        return retryAtMillis >= 0 ? OptionalLong.of(retryAtMillis) : OptionalLong.empty();
    }

    public Optional<PunchRound> currentRound() {
        return Optional.ofNullable(current);
    }

    public Optional<CandidatePair> validatedPair() {
        return Optional.ofNullable(validated);
    }

    /** Every pair in priority order, with its state. */
    public List<PairStatus> pairs() {
        return pairs.stream().map(status::get).toList();
    }

    public PairState state(CandidatePair pair) {
        PairStatus s = status.get(pair);
        if (s == null) {
            throw new IllegalArgumentException("not a current pair: " + pair);
        }
        return s.state();
    }

    private Optional<PunchOrder> replan(long nowMillis) {
        pairs = CandidatePairing.pairs(local, remote, settings.maxPairs());
        status.keySet().retainAll(pairs);
        for (CandidatePair p : pairs) {
            status.putIfAbsent(p, new PairStatus(p, PairState.NEW, nowMillis));
        }
        if (validated != null) {
            if (status.containsKey(validated)) {
                return Optional.empty();
            }
            validated = null; // its candidate was withdrawn: the path layer will report the loss too
        }
        List<CandidatePair> fresh = inState(PairState.NEW);
        if (current == null) {
            return fresh.isEmpty() ? Optional.empty() : nextRound(nowMillis);
        }
        List<CandidatePair> running = current.pairs().stream().filter(status::containsKey).toList();
        if (running.isEmpty() && fresh.isEmpty()) {
            current = null;
            return nextRound(nowMillis);
        }
        int room = concurrencyLimit - sentInRound;
        if (room > 0 && !fresh.isEmpty()) {
            List<CandidatePair> added = fresh.subList(0, Math.min(room, fresh.size()));
            List<CandidatePair> all = new ArrayList<>(running);
            all.addAll(added);
            current = new PunchRound(current.number(), all, current.startedAtMillis(),
                    Math.max(current.deadlineMillis(), nowMillis + settings.roundTimeoutMillis()));
            added.forEach(p -> set(p, PairState.PUNCHING, nowMillis));
            sentInRound += added.size();
            return Optional.of(new PunchOrder(current, added, false));
        }
        // full: a new round when a new pair is better than one running, or when removals left a slot the limit
        // no longer lets this round fill
        long weakest = running.stream().mapToLong(CandidatePair::priority).min().orElse(Long.MAX_VALUE);
        if (!fresh.isEmpty() && (fresh.get(0).priority() > weakest || running.size() < concurrencyLimit)) {
            cancelRound(nowMillis);
            return nextRound(nowMillis);
        }
        if (running.size() != current.pairs().size()) {
            current = new PunchRound(current.number(), running, current.startedAtMillis(), current.deadlineMillis());
        }
        return Optional.empty();
    }

    /** Starts a round with the best NEW pairs, or, when every pair has failed, schedules the retry. */
    private Optional<PunchOrder> nextRound(long nowMillis) {
        List<CandidatePair> fresh = inState(PairState.NEW);
        if (fresh.isEmpty()) {
            if (!pairs.isEmpty() && inState(PairState.FAILED).size() == pairs.size() && retryAtMillis < 0) {
                scheduleRetry(nowMillis);
            }
            return Optional.empty();
        }
        retryAtMillis = -1; // new pairs go now; failed ones wait for the next all-failed backoff
        List<CandidatePair> start = fresh.subList(0, Math.min(concurrencyLimit, fresh.size()));
        current = new PunchRound(++lastRoundNumber, start, nowMillis, nowMillis + settings.roundTimeoutMillis());
        sentInRound = start.size();
        start.forEach(p -> set(p, PairState.PUNCHING, nowMillis));
        return Optional.of(new PunchOrder(current, start, true));
    }

    /** Stops the current round; its still-punching pairs were cancelled, not failed, so they are NEW again. */
    private void cancelRound(long nowMillis) {
        if (current == null) {
            return;
        }
        for (CandidatePair p : current.pairs()) {
            PairStatus s = status.get(p);
            if (s != null && s.state() == PairState.PUNCHING) {
                set(p, PairState.NEW, nowMillis);
            }
        }
        current = null;
    }

    private void scheduleRetry(long nowMillis) {
        retryAtMillis = nowMillis + nextBackoffMillis;
        nextBackoffMillis = Math.min(nextBackoffMillis * 2, settings.maxBackoffMillis());
    }

    private List<CandidatePair> inState(PairState state) {
        return pairs.stream().filter(p -> status.get(p).state() == state).sorted(BY_PRIORITY).toList();
    }

    private void set(CandidatePair pair, PairState state, long nowMillis) {
        if (status.containsKey(pair)) {
            status.put(pair, new PairStatus(pair, state, nowMillis));
        }
    }
}
