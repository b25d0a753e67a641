package io.punchline.nat;

import io.punchline.nat.TraversalAction.SendControl;
import io.punchline.nat.TraversalAction.SendProbe;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/** Driving a {@link Traversal} on a fake clock and reading what it asks for, for {@link TraversalTest}. */
final class TraversalScript {

    private TraversalScript() {
    }

    /**
     * Runs {@code traversal}'s timer at each deadline up to {@code toMillis}, giving it {@code traffic} of that time
     * when it asks for it; returns every action.
     */
    static List<TraversalAction> advance(Traversal traversal, long toMillis, LongFunction<DirectTraffic> traffic) {
        List<TraversalAction> actions = new ArrayList<>();
        for (OptionalLong due = traversal.nextDeadlineMillis(); due.isPresent() && due.getAsLong() <= toMillis;
             due = traversal.nextDeadlineMillis()) {
            long now = due.getAsLong();
            actions.addAll(traversal.onTimer(now, traversal.wantsDirectTraffic(now) ? traffic.apply(now) : null));
        }
        return actions;
    }

    static DirectTraffic silence() {
        return new DirectTraffic(0, 0, 0);
    }

    static <T extends TraversalAction> List<T> of(List<TraversalAction> actions, Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static List<PunchMeNow> punchMeNow(List<TraversalAction> actions) {
        return of(actions, SendControl.class).stream().flatMap(r -> r.messages().stream())
                .map(PunchMeNow.class::cast).toList();
    }

    static List<InetSocketAddress> challengeTargets(List<TraversalAction> actions) {
        return of(actions, SendProbe.class).stream().filter(p -> p.probe().kind() == PathProbe.Kind.CHALLENGE)
                .map(SendProbe::target).toList();
    }

    static PathProbe challengeTo(List<TraversalAction> actions, InetSocketAddress target) {
        return of(actions, SendProbe.class).stream().filter(p -> p.target().equals(target)
                && p.probe().kind() == PathProbe.Kind.CHALLENGE).findFirst().orElseThrow().probe();
    }
}
