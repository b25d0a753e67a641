package io.punchline.engine;

import io.punchline.engine.EngineEvent.CandidateType;
import io.punchline.engine.EngineEvent.Named;
import io.punchline.engine.EngineEvent.PunchOutcome;
import io.punchline.nat.TraversalAction;
import io.punchline.nat.TraversalAction.CandidateAdded;
import io.punchline.nat.TraversalAction.CandidateRemoved;
import io.punchline.nat.TraversalAction.PathValidated;
import io.punchline.nat.TraversalAction.RoundFinished;
import io.punchline.nat.TraversalAction.RoundStarted;
import io.punchline.nat.TraversalAction.SprayFinished;
import io.punchline.nat.TraversalAction.SprayStarted;

/** Turns the traversal state machine's reports (candidates, punch rounds, sprays, validations) into engine events. */
final class TraversalEvents {

    private TraversalEvents() {
    }

    /** The engine event reporting one of the state machine's steps for the session with {@code peer}. */
    static EngineEvent of(String peer, TraversalAction report) {
        if (report instanceof CandidateAdded added) {
            return new EngineEvent.CandidateAdded(peer, added.local(), Named.of(CandidateType.class, added.type()),
                    added.address().toString());
        } else if (report instanceof CandidateRemoved removed) {
            return new EngineEvent.CandidateRemoved(peer, removed.local(), removed.address().toString());
        } else if (report instanceof RoundStarted round) {
            return new EngineEvent.PunchStarted(peer, round.round(), round.pairs());
        } else if (report instanceof RoundFinished round) {
            return new EngineEvent.PunchFinished(peer, round.round(), round.validated() ? PunchOutcome.VALIDATED : PunchOutcome.FAILED,
                    round.validated() ? round.path().toString() : null);
        } else if (report instanceof SprayStarted started) {
            return new EngineEvent.PunchSpray(peer, EngineEvent.SpraySide.valueOf(started.role().name()), started.count(),
                    started.target());
        } else if (report instanceof SprayFinished finished) {
            return new EngineEvent.PunchSprayFinished(peer, EngineEvent.SpraySide.valueOf(finished.role().name()),
                    EngineEvent.SprayOutcome.valueOf(finished.outcome().name()), finished.sent(),
                    finished.hit() == null ? null : finished.hit().toString());
        } else if (report instanceof PathValidated validated) {
            return new EngineEvent.PathValidated(peer, validated.path().toString(), validated.rttMillis());
        }
        throw new IllegalArgumentException("not a report: " + report);
    }
}
