package io.punchline.engine;

import io.punchline.masque.BindClient;
import io.punchline.masque.BindException;
import io.punchline.masque.ClientSocketFactory;
import io.punchline.masque.RelayAddress;
import io.punchline.path.ConnectionIdOwner;
import io.punchline.path.EngineSocket;
import io.punchline.path.VirtualDatagramSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicClientConnection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine's bind on its relay (draft-ietf-masque-connect-udp-listen): the relay connection runs on the engine
 * socket, so the relay sees the address peers punch to. With one relay, when the bind ends the engine binds again with
 * growing pauses. With a fleet it binds on the nearest relay ({@link RelayRanking}), watches it ({@link RelayWatch}),
 * and when the bind ends binds at once on the next relay of the ranking ({@code relay.failover}).
 */
final class RelayBinding implements AutoCloseable {

    /**
     * The {@link EventBus#publishLatest} topic of {@code relay.bound} and {@code relay.lost}: they state the bind as it
     * is, and the first one goes out while the engine starts, before its callers can subscribe.
     */
    static final String TOPIC = "relay";
    /** The {@link EventBus#publishLatest} topic of {@code relay.chosen}, published while the engine starts. */
    static final String CHOICE_TOPIC = "relay-choice";

    private static final Logger LOG = LoggerFactory.getLogger(RelayBinding.class);
    private static final long REBIND_FIRST_MILLIS = 1000;
    private static final long REBIND_MAX_MILLIS = 30_000;

    private final EngineConfig config;
    private final EngineSocket socket;
    private final EventBus events;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final ReflexiveAddress reflexive;
    private final RelayRanking ranking;
    private final RelayWatch watch;
    private final List<Consumer<BindClient>> listeners = new CopyOnWriteArrayList<>();
    private volatile BindClient bind;
    private volatile boolean closing;
    /** The relay whose bind ended last and why, until a bind on another relay of the fleet is reported as a fail-over. */
    private volatile RelayAddress lost;
    private volatile String lostReason;

    /** Connects to the relay (the nearest of a fleet that takes the bind) and binds; throws when none does. */
    RelayBinding(EngineConfig config, EngineSocket socket, EventBus events, ExecutorService executor,
                 ScheduledExecutorService timer, ReflexiveAddress reflexive) throws BindException {
        this.config = config;
        this.socket = socket;
        this.events = events;
        this.executor = executor;
        this.timer = timer;
        this.reflexive = reflexive;
        this.ranking = RelayRanking.of(config.relays(), config.timeout());
        this.bind = bindOnFirst(ranking.order());
        if (ranking.isFleet()) {
            events.publishLatest(CHOICE_TOPIC, ranking.chosen(bind.relay()));
            watch = new RelayWatch(this::current, reflexive, timer);
        } else {
            watch = null;
        }
    }

    /** The bind in use now (a new one after each rebind). */
    BindClient current() {
        return bind;
    }

    /** Called with every new bind after the first. */
    void onBind(Consumer<BindClient> listener) {
        listeners.add(listener);
    }

    /** Binds on the first of {@code relays} that takes it; with one relay its own error, else every relay's. */
    private BindClient bindOnFirst(List<RelayAddress> relays) throws BindException {
        StringBuilder problems = new StringBuilder();
        for (RelayAddress relay : relays) {
            try {
                return connect(relay);
            } catch (BindException | RuntimeException e) {
                if (relays.size() == 1) {
                    throw e;
                }
                LOG.warn("relay {} of the fleet did not take the bind: {}", relay.authority(), e.getMessage());
                problems.append(problems.length() == 0 ? "" : "; ").append(relay.authority()).append(": ")
                        .append(e.getMessage());
            }
        }
        throw new BindException("no relay of the fleet took the bind (" + problems + ")");
    }

    private BindClient connect(RelayAddress relay) throws BindException {
        return BindClient.connect(relay, config.identity(), new RelaySocketFactory(), new BindClient.Listener() {
            @Override
            public void onPayload(InetSocketAddress source, byte[] data, int offset, int length) {
                if (watch != null) {
                    watch.heard();
                }
                socket.deliverFromRelay(source, data, offset, length);
            }

            @Override
            public void onClosed(String reason) {
                if (!closing) {
                    events.publishLatest(TOPIC, new EngineEvent.RelayLost(relay.toString(), reason));
                    lost = relay;
                    lostReason = reason;
                    if (ranking.isFleet()) {
                        executor.execute(() -> rebind(REBIND_FIRST_MILLIS, ranking.after(relay)));
                    } else {
                        scheduleRebind(REBIND_FIRST_MILLIS);
                    }
                }
            }
        }, config.timeout());
    }

    /**
     * Binds again after the relay connection ended (a relay restart, a network change, a relay of the fleet gone): on
     * {@code relays} in order, then with growing pauses up to 30 s on every relay from the nearest, until it works or
     * the engine closes. Sessions on a direct path carry on; those that went through the old bind end, and peers find
     * the new bind through the relay (the fleet's shared directory).
     */
    private void rebind(long pauseMillis, List<RelayAddress> relays) {
        if (closing) {
            return;
        }
        try {
            BindClient fresh = bindOnFirst(relays);
            if (closing) {
                fresh.close();
                return;
            }
            bind = fresh;
            if (watch != null) {
                watch.heard();
            }
            RelayAddress from = lost;
            if (from != null && !from.equals(fresh.relay())) {
                events.publish(new EngineEvent.RelayFailover(from.toString(), fresh.relay().toString(), lostReason));
            }
            lost = null;
            events.publishLatest(TOPIC, new EngineEvent.RelayBound(fresh.relay().toString(), fresh.publicAddresses().get(0).toString()));
            if (config.traversal()) {
                reflexive.discover(fresh.publicAddresses(), fresh.observedAddress());
            }
            listeners.forEach(listener -> listener.accept(fresh));
        } catch (BindException | RuntimeException e) {
            long next = Math.min(REBIND_MAX_MILLIS, pauseMillis * 2);
            String which = ranking.isFleet() ? "" : "relay " + config.relays().first().authority() + " unreachable (";
            events.publish(new EngineEvent.Error(which + e.getMessage() + (which.isEmpty() ? "" : ")")
                    + "; trying again in " + next / 1000 + " s"));
            scheduleRebind(next);
        }
    }

    private void scheduleRebind(long pauseMillis) {
        if (!closing) {
            timer.schedule(() -> executor.execute(() -> rebind(pauseMillis, ranking.order())), pauseMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** No rebinding from now on: the engine is closing. */
    void stopRebinding() {
        closing = true;
        if (watch != null) {
            watch.close();
        }
    }

    @Override
    public void close() {
        stopRebinding();
        bind.close();
    }

    /** Puts the relay connection on the engine socket (docs/ARCHITECTURE.md, "Peer connections"): the relay sees the address peers punch to. */
    private final class RelaySocketFactory implements ClientSocketFactory {
        private VirtualDatagramSocket created;

        @Override
        public VirtualDatagramSocket createSocket(InetAddress destination) throws SocketException {
            created = socket.clientSocket(socket::send);
            return created;
        }

        @Override
        public void connectionBuilt(QuicClientConnection connection) {
            socket.own(created, ConnectionIdOwner.of(connection));
        }
    }
}
