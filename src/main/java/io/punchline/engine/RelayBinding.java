package io.punchline.engine;

import io.punchline.masque.BindClient;
import io.punchline.masque.BindException;
import io.punchline.masque.ClientSocketFactory;
import io.punchline.path.ConnectionIdOwner;
import io.punchline.path.EngineSocket;
import io.punchline.path.VirtualDatagramSocket;
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
 * socket, so the relay sees the address peers punch to; when it ends, the engine binds again with growing pauses.
 */
final class RelayBinding implements AutoCloseable {

    /**
     * The {@link EventBus#publishLatest} topic of {@code relay.bound} and {@code relay.lost}: they state the bind as it
     * is, and the first one goes out while the engine starts, before its callers can subscribe.
     */
    static final String TOPIC = "relay";

    private static final long REBIND_FIRST_MILLIS = 1000;
    private static final long REBIND_MAX_MILLIS = 30_000;

    private final EngineConfig config;
    private final EngineSocket socket;
    private final EventBus events;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final ReflexiveAddress reflexive;
    private final List<Consumer<BindClient>> listeners = new CopyOnWriteArrayList<>();
    private volatile BindClient bind;
    private volatile boolean closing;

    /** Connects to the relay and requests a bind; throws when the relay cannot be reached or refuses. */
    RelayBinding(EngineConfig config, EngineSocket socket, EventBus events, ExecutorService executor,
                 ScheduledExecutorService timer, ReflexiveAddress reflexive) throws BindException {
        this.config = config;
        this.socket = socket;
        this.events = events;
        this.executor = executor;
        this.timer = timer;
        this.reflexive = reflexive;
        this.bind = connect();
    }

    /** The bind in use now (a new one after each rebind). */
    BindClient current() {
        return bind;
    }

    /** Called with every new bind after the first. */
    void onBind(Consumer<BindClient> listener) {
        listeners.add(listener);
    }

    private BindClient connect() throws BindException {
        return BindClient.connect(config.relay(), config.identity(), new RelaySocketFactory(), new BindClient.Listener() {
            @Override
            public void onPayload(InetSocketAddress source, byte[] data, int offset, int length) {
                socket.deliverFromRelay(source, data, offset, length);
            }

            @Override
            public void onClosed(String reason) {
                if (!closing) {
                    events.publishLatest(TOPIC, new EngineEvent.RelayLost(config.relay().toString(), reason));
                    scheduleRebind(REBIND_FIRST_MILLIS);
                }
            }
        }, config.timeout());
    }

    /**
     * Binds again after the relay connection ended (a relay restart, a network change): with growing pauses up to
     * 30 s, until it works or the engine closes. Sessions that went through the old bind end; peers find the new bind
     * through the relay.
     */
    private void rebind(long pauseMillis) {
        if (closing) {
            return;
        }
        try {
            BindClient fresh = connect();
            if (closing) {
                fresh.close();
                return;
            }
            bind = fresh;
            events.publishLatest(TOPIC, new EngineEvent.RelayBound(config.relay().toString(), fresh.publicAddresses().get(0).toString()));
            if (config.traversal()) {
                reflexive.discover(fresh.publicAddresses().get(0), fresh.observedAddress());
            }
            listeners.forEach(listener -> listener.accept(fresh));
        } catch (BindException | RuntimeException e) {
            long next = Math.min(REBIND_MAX_MILLIS, pauseMillis * 2);
            events.publish(new EngineEvent.Error("relay " + config.relay().authority() + " unreachable (" + e.getMessage()
                    + "); trying again in " + next / 1000 + " s"));
            scheduleRebind(next);
        }
    }

    private void scheduleRebind(long pauseMillis) {
        if (!closing) {
            timer.schedule(() -> executor.execute(() -> rebind(pauseMillis)), pauseMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** No rebinding from now on: the engine is closing. */
    void stopRebinding() {
        closing = true;
    }

    @Override
    public void close() {
        closing = true;
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
