package io.punchline.nat;

import java.util.ArrayList;
import java.util.List;

/** This side's candidates as a {@link Traversal} last reported them, and what changed since (by address). */
final class LocalCandidates {

    /** Candidates new since the last report (usable ones only) and candidates no longer there. */
    record Change(List<Candidate> added, List<Candidate> gone) {
        static final Change NONE = new Change(List.of(), List.of());

        boolean isEmpty() {
            return added.isEmpty() && gone.isEmpty();
        }

        /** Reports the change as events: the candidates gone, then the ones added. */
        void report(List<TraversalAction> actions) {
            for (Candidate candidate : gone) {
                actions.add(new TraversalAction.CandidateRemoved(true, candidate.address()));
            }
            for (Candidate candidate : added) {
                actions.add(new TraversalAction.CandidateAdded(true, candidate.type().token(), candidate.address()));
            }
        }
    }

    private final List<Candidate> candidates = new ArrayList<>();

    /** Takes {@code now} as the current candidates; returns what changed. */
    Change update(List<Candidate> now) {
        List<Candidate> gone = candidates.stream().filter(known -> absent(now, known)).toList();
        List<Candidate> added = now.stream()
                .filter(candidate -> Candidate.isUsable(candidate.address()) && absent(candidates, candidate)).toList();
        candidates.removeAll(gone);
        candidates.addAll(added);
        return new Change(added, gone);
    }

    List<Candidate> all() {
        return List.copyOf(candidates);
    }

    private static boolean absent(List<Candidate> candidates, Candidate candidate) {
        return candidates.stream().noneMatch(known -> known.address().equals(candidate.address()));
    }
}
