package io.punchline.engine;

import io.punchline.engine.EngineEvent.NetworkPath;
import io.punchline.nat.Candidate;
import io.punchline.nat.DirectTraffic;
import io.punchline.nat.PathProbe;
import io.punchline.nat.Traversal;
import io.punchline.nat.NatMapping;
import io.punchline.nat.TraversalAction.AcceptFrom;
import io.punchline.nat.TraversalAction.ClosePorts;
import io.punchline.nat.TraversalAction.OpenPorts;
import io.punchline.nat.TraversalAction.ResendPorts;
import io.punchline.nat.TraversalAction.SendControl;
import io.punchline.nat.TraversalAction.SendProbe;
import io.punchline.nat.TraversalAction.UseDirect;
import io.punchline.nat.TraversalAction.UseRelay;
import io.punchline.nat.TraversalAction;
import io.punchline.nat.TraversalCodec;
import io.punchline.nat.TraversalMessage;
import io.punchline.nat.TraversalProtocolException;
import io.punchline.nat.TraversalRole;
import io.punchline.path.EngineSocket;
import io.punchline.path.PathRouter;
import io.punchline.path.PortSet;
import io.punchline.session.PeerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * NAT traversal for one peer session: the {@link Traversal} state machine of {@code nat} (the rules, the draft
 * sections) driven by this session's control stream, the engine socket and one timer. Each input is applied under this
 * object's lock, which covers nothing but the state machine and the timer; the actions it returns (control messages,
 * probes, path switches, events) are carried out after the lock is released. Those of the caller of {@link #start}, the
 * control stream's reader and the engine's timer go through one outbox and are carried out in the order the state
 * machine returned them, whichever of those threads gets there first: the peer must see the {@code nat_traversal}
 * parameter before a PUNCH_ME_NOW made from an ADD_ADDRESS that overtook it on another thread. Probes arrive on the
 * socket's event loop, never make control messages, and are carried out there at once. The events reporting all of it
 * are published in the state machine's order too ({@link InOrderReports}): a probe's answer carried out at once is
 * reported only after the round it answers, even when that round's events are still waiting on the network.
 */
final class SessionTraversal {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTraversal.class);

    private final PeerSession session;
    private final boolean client;
    private final EngineSocket socket;
    private final PathRouter router;
    private final EventBus events;
    private final ScheduledExecutorService timer;
    private final byte[] probeKey;
    private final long ownProbeId;
    private final String peer;
    private final InetSocketAddress virtualAddress;
    /** Guarded by this, like the timer fields below. */
    private final Traversal traversal;
    /** The armed timer, when it fires, and its number (a timer that fired knows whether it is still the armed one). */
    private ScheduledFuture<?> wakeUp;
    /** Actions of the start, the control reader and the timer not yet carried out, in state-machine order. */
    private final Queue<Work> outbox = new ArrayDeque<>();
    /** The events of all carried-out actions, published in the order the state machine returned the actions. */
    private final InOrderReports reports;
    /** Whether a thread is carrying out the outbox now. */
    private boolean carrying;
    private long wakeUpAt;
    private long wakeUps;
    /** The side ports of hard-NAT punching, while open; touched only by the thread carrying out actions. */
    private PortSet ports;
    private volatile boolean closed;

    SessionTraversal(PeerSession session, EngineSocket socket, PathRouter router, EventBus events,
                     ScheduledExecutorService timer, Collection<InetSocketAddress> ownRelayAddresses) {
        this.session = session;
        this.client = session.side() == PeerSession.Side.DIALLER;
        this.socket = socket;
        this.router = router;
        this.events = events;
        this.reports = new InOrderReports(timed -> events.publish(timed.event(), timed.millis()));
        this.timer = timer;
        this.probeKey = session.secrets().probeMacKey();
        long diallerId = ByteBuffer.wrap(session.secrets().deriveKey("punchline/1-probe-id-dialler", 8)).getLong();
        long listenerId = ByteBuffer.wrap(session.secrets().deriveKey("punchline/1-probe-id-listener", 8)).getLong();
        this.ownProbeId = client ? diallerId : listenerId;
        this.peer = session.peer().fingerprint();
        this.virtualAddress = session.virtualAddress();
        // the peer's relayed candidate is its bind address, the session's virtual address: never punched
        this.traversal = new Traversal(client ? TraversalRole.CLIENT : TraversalRole.SERVER,
                client ? listenerId : diallerId, virtualAddress, Set.copyOf(ownRelayAddresses), new SecureRandom());
    }

    /** The session ID peers put in probes meant for this traversal. */
    long ownProbeId() {
        return ownProbeId;
    }

    byte[] probeKey() {
        return probeKey;
    }

    /** Starts the control stream exchange with this side's candidates and NAT mapping (null when unknown). */
    void start(List<Candidate> localCandidates, NatMapping mapping) throws IOException {
        synchronized (this) {
            outbox.add(new Work(traversal.start(localCandidates, mapping, now()), reports.reserve()));
            rearm();
        }
        // only now: a peer's message must not reach the state machine before its start (it would meet no own mapping)
        session.readControl(this::readControl);
        drain();
    }

    private void readControl(InputStream control) throws IOException {
        TraversalCodec codec = new TraversalCodec(client ? TraversalRole.CLIENT : TraversalRole.SERVER);
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = control.read(buffer)) >= 0; ) {
                List<TraversalMessage> messages = codec.feed(ByteBuffer.wrap(buffer, 0, n));
                if (messages.isEmpty()) {
                    continue;
                }
                // a record's messages all reach the state machine before any of its actions go out, and their actions
                // are carried out as one list, the network's before any event: the listener's first record carries
                // every candidate, so the PUNCH_ME_NOW and probes of each family's pairs leave together, an IPv6
                // pair's not after the IPv4 pair's events were printed (RFC 8421: IPv6 first or together); the
                // PUNCH_ME_NOWs of all its pairs go in one record (Traversal.onRecord)
                LOG.debug("control from {}: {}", peer, messages);
                synchronized (this) {
                    long now = now();
                    outbox.add(new Work(traversal.onRecord(messages, now), reports.reserve()));
                    rearm();
                }
                drain();
            }
            codec.finish();
        } catch (TraversalProtocolException e) {
            throw new IOException("traversal protocol error from the peer: " + e.getMessage(), e);
        }
    }

    /** This engine's candidates changed after the start (a port mapping came or went): offered to the peer. */
    void onLocalCandidates(List<Candidate> localCandidates) {
        Work work;
        synchronized (this) {
            work = new Work(traversal.onLocalCandidates(localCandidates, now()), reports.reserve());
            rearm();
        }
        carryOutQuietly(work);
    }

    /** A probe with this side's session ID and a valid MAC arrived from {@code source}. */
    void onProbe(PathProbe probe, InetSocketAddress source) {
        Work work;
        synchronized (this) {
            work = new Work(traversal.onProbe(probe, source, now()), reports.reserve());
            rearm();
        }
        carryOutQuietly(work);
    }

    private void onTimer(long wakeUpNumber) {
        long now = now();
        boolean wantsTraffic;
        synchronized (this) {
            if (wakeUpNumber == wakeUps) {
                wakeUp = null;
            }
            wantsTraffic = traversal.wantsDirectTraffic(now);
        }
        DirectTraffic traffic = wantsTraffic ? directTraffic() : null; // outside the lock: it asks the event loop
        synchronized (this) {
            outbox.add(new Work(traversal.onTimer(now, traffic), reports.reserve()));
            rearm();
        }
        try {
            drain();
        } catch (IOException e) {
            LOG.debug("traversal control failed: {}", e.getMessage());
        }
    }

    /** Arms the one timer for the state machine's next deadline. Holds the lock. */
    private void rearm() {
        OptionalLong next = traversal.nextDeadlineMillis();
        if (wakeUp != null && next.isPresent() && next.getAsLong() == wakeUpAt) {
            return;
        }
        if (wakeUp != null) {
            wakeUp.cancel(false);
            wakeUp = null;
        }
        if (next.isPresent()) {
            wakeUpAt = next.getAsLong();
            long number = ++wakeUps;
            try {
                wakeUp = timer.schedule(() -> onTimer(number), Math.max(0, wakeUpAt - now()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("engine closing: traversal timer not armed");
            }
        }
    }

    /**
     * What the engine socket saw of the peer on the direct path. Asks the socket's event loop for the QUIC stack's
     * count of authenticated packets: never under the lock.
     */
    private DirectTraffic directTraffic() {
        long direct = router.directPacketsReceived(virtualAddress);
        long lastArrival = router.lastDirectReceiveNanos(virtualAddress) / 1_000_000;
        return new DirectTraffic(direct, lastArrival, session.packetsReceived());
    }

    /**
     * Carries out the outbox in order, outside the lock; returns at once when another thread is at it (that thread
     * takes what was added meanwhile before it stops). A list whose control message cannot be sent ends there; the
     * lists after it are still carried out (their events must not wait behind it), and the first failure is thrown
     * at the end.
     */
    private void drain() throws IOException {
        IOException failed = null;
        while (true) {
            Work next;
            synchronized (this) {
                if (carrying || (next = outbox.poll()) == null) {
                    break;
                }
                carrying = true;
            }
            try {
                carryOut(next);
            } catch (IOException e) {
                if (failed == null) {
                    failed = e;
                }
            } finally {
                synchronized (this) {
                    carrying = false;
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private void carryOutQuietly(Work work) {
        try {
            carryOut(work);
        } catch (IOException e) {
            LOG.debug("traversal control failed: {}", e.getMessage());
        }
    }

    /**
     * Carries out {@code actions}: what goes on the network (control records, probes, path changes) in order first,
     * then the events that report them, in order, once those of all work decided before it are published. Publishing
     * waits on subscribers (a JSON line printed, the window's queue), and the first event of a kind costs a cold
     * subscriber tens of milliseconds: a PUNCH_ME_NOW must not wait for that. A control message that cannot be sent
     * ends it with the exception, after the events before it.
     */
    private void carryOut(Work work) throws IOException {
        try {
            carryOut(work.actions(), work.report());
        } finally {
            work.report().complete();
        }
    }

    private void carryOut(List<TraversalAction> actions, InOrderReports.Batch report) throws IOException {
        for (TraversalAction action : actions) {
            long millis = System.currentTimeMillis();
            if (action instanceof SendControl send) {
                ByteArrayOutputStream record = new ByteArrayOutputStream();
                for (TraversalMessage message : send.messages()) {
                    record.writeBytes(TraversalCodec.encode(message));
                }
                session.sendControl(record.toByteArray());
            } else if (action instanceof SendProbe send) {
                sendProbe(send.probe(), send.target());
            } else if (action instanceof AcceptFrom accept) {
                router.acceptFrom(virtualAddress, accept.source());
            } else if (action instanceof UseDirect use) {
                router.useDirect(virtualAddress, use.path());
                report.add(new EventBus.Timed(millis,
                        new EngineEvent.PathSwitched(peer, NetworkPath.DIRECT, use.path().toString())));
            } else if (action instanceof OpenPorts open) {
                openPorts(open);
            } else if (action instanceof ResendPorts resend) {
                resendFromPorts(resend.probe());
            } else if (action instanceof ClosePorts close) {
                closePorts(close.keepInUse());
            } else if (action instanceof UseRelay use) {
                router.useRelay(virtualAddress);
                report.add(new EventBus.Timed(millis, new EngineEvent.PathFallback(peer, use.lost().toString(),
                        use.reason())));
                report.add(new EventBus.Timed(millis,
                        new EngineEvent.PathSwitched(peer, NetworkPath.RELAY, virtualAddress.toString())));
            } else {
                report.add(new EventBus.Timed(millis, TraversalEvents.of(peer, action)));
            }
        }
    }

    private void sendProbe(PathProbe probe, InetSocketAddress target) {
        byte[] datagram = probe.encode(probeKey);
        try {
            socket.send(datagram, 0, datagram.length, target);
        } catch (IOException e) {
            LOG.debug("probe to {} failed: {}", target, e.getMessage());
        }
    }

    /** Opens the side ports and sends the opener from each (blocks while binding; not under the lock). */
    private void openPorts(OpenPorts open) {
        closePorts(false);
        PortSet opened = socket.openPorts(open.targets(), open.opener().encode(probeKey));
        synchronized (this) {
            if (!closed) {
                ports = opened;
                return;
            }
        }
        opened.close();
    }

    /** The same keepalive again from every side port to its target (both sides' NATs sequential). */
    private void resendFromPorts(PathProbe probe) {
        PortSet open;
        synchronized (this) {
            open = ports;
        }
        if (open != null) {
            open.resend(probe.encode(probeKey));
        }
    }

    private void closePorts(boolean keepInUse) {
        PortSet open;
        synchronized (this) {
            open = ports;
            if (!keepInUse) {
                ports = null;
            }
        }
        if (open != null) {
            if (keepInUse) {
                open.closeUnused();
            } else {
                open.close();
            }
        }
    }

    void close() {
        synchronized (this) {
            closed = true;
            traversal.close();
            if (wakeUp != null) {
                wakeUp.cancel(false);
                wakeUp = null;
            }
        }
        closePorts(false);
    }

    /** Actions the state machine returned for one input, and the batch their events are published in. */
    private record Work(List<TraversalAction> actions, InOrderReports.Batch report) {
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }
}
