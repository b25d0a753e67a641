package io.punchline.relay;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.punchline.crypto.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The connection of one relay to its fleet's shared store: a single Redis server (7.0 or newer; not a cluster), reached
 * with Lettuce over one multiplexed connection. Every key starts with {@code punchline:FLEET:}, so fleets may share a
 * Redis. Commands fail fast while the connection is down (Lettuce reconnects in the background) and time out after
 * {@link #TIMEOUT}: a caller gets {@link StoreUnavailableException}, never a hang. The log says once that the store was
 * lost and once that it is back.
 */
public final class FleetStore implements AutoCloseable {

    /** The longest a relay waits for one answer of the store. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RECONNECT_AT_MOST = Duration.ofSeconds(2);
    private static final Pattern FLEET_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Logger LOG = LoggerFactory.getLogger(FleetStore.class);

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;
    private final String where;
    private final AtomicBoolean down = new AtomicBoolean();

    private FleetStore(ClientResources resources, RedisClient client,
                       StatefulRedisConnection<String, String> connection, String prefix, String where) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.prefix = prefix;
        this.where = where;
    }

    /**
     * Connects to {@code uri} ({@code redis://[:PASSWORD@]HOST:PORT[/DB]}, or {@code rediss://} for TLS) for the fleet
     * {@code fleet}, or throws {@link StoreUnavailableException} saying why (unreachable, wrong password, not a Redis).
     */
    public static FleetStore connect(String uri, String fleet) {
        if (!FLEET_NAME.matcher(fleet).matches()) {
            throw new IllegalArgumentException("a fleet name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        RedisURI redis;
        try {
            redis = RedisURI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a store address (redis://[:PASSWORD@]HOST:PORT[/DB]): " + uri);
        }
        String scheme = redis.toURI().getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("the store must be a redis:// (or TLS rediss://) address: " + uri);
        }
        redis.setTimeout(TIMEOUT);
        String where = redis.getHost() + ":" + redis.getPort() + "/" + redis.getDatabase();
        // the relay's threads matter more than Lettuce's defaults (a thread per core each): one I/O, one computation;
        // reconnect attempts at most 2 s apart (Lettuce's default backs off to 30 s): the store is usable soon after
        // it is back
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), RECONNECT_AT_MOST, 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, redis);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .build());
        try {
            StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
            connection.sync().ping();
            LOG.info("fleet store {} reached (fleet {})", where, fleet);
            return new FleetStore(resources, client, connection, "punchline:" + fleet + ":", where);
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw new StoreUnavailableException("the fleet store " + where + " cannot be used: " + reason(e), e);
        }
    }

    /**
     * Makes sure every relay of the fleet has one identity (its ML-DSA-65 key, hence one relay PeerId): pairing keys
     * are salted with the relay PeerId the client pinned (docs/SECURITY.md section 7.2), so two sides of a pairing on
     * relays of different identities could never open each other's cards. The first relay names it; a relay of another
     * identity is refused with a message saying what to copy.
     */
    void joinAs(PeerId relay) {
        String mine = HexFormat.of().formatHex(relay.bytes());
        String fleetIdentity = eval("""
                redis.call('SET', ARGV[1], ARGV[2], 'NX')
                return redis.call('GET', ARGV[1])
                """, ScriptOutputType.VALUE, new String[0], prefix + "identity", mine);
        if (!mine.equals(fleetIdentity)) {
            throw new IllegalStateException("this relay's PeerId " + relay.fingerprint() + " is not the fleet's ("
                    + fingerprintOf(fleetIdentity) + "): every relay of a fleet needs the same identity; copy the "
                    + "identity files of the fleet's first relay (its --data-dir) to this one");
        }
    }

    private static String fingerprintOf(String hex) {
        try {
            return new PeerId(HexFormat.of().parseHex(hex)).fingerprint();
        } catch (IllegalArgumentException e) {
            return "unreadable: " + hex;
        }
    }

    /** Every key of this fleet starts with this. */
    String prefix() {
        return prefix;
    }

    /** Runs a Lua script (one atomic step in Redis) and returns its reply, or throws StoreUnavailableException. */
    <T> T eval(String script, ScriptOutputType type, String[] keys, String... args) {
        return call(redis -> redis.eval(script, type, keys, args));
    }

    /** The same script without waiting for its reply (a refresh on the timer thread, which must not block). */
    CompletableFuture<Object> evalAsync(String script, String[] keys, String... args) {
        try {
            return connection.async().<Object>eval(script, ScriptOutputType.INTEGER, keys, args).toCompletableFuture()
                    .whenComplete((reply, failure) -> noted(failure));
        } catch (RedisException e) {
            noted(e);
            return CompletableFuture.failedFuture(unavailable(e));
        }
    }

    private <T> T call(Function<RedisCommands<String, String>, T> command) {
        try {
            T reply = command.apply(connection.sync());
            noted(null);
            return reply;
        } catch (RedisException e) {
            noted(e);
            throw unavailable(e);
        }
    }

    private StoreUnavailableException unavailable(Throwable e) {
        return new StoreUnavailableException("fleet store " + where + " unavailable: " + reason(e), e);
    }

    /** Logs the transitions only: the first failure after success, the first success after failure. */
    private void noted(Throwable failure) {
        if (failure == null) {
            if (down.compareAndSet(true, false)) {
                LOG.info("fleet store {} answers again", where);
            }
        } else if (down.compareAndSet(false, true)) {
            LOG.warn("fleet store {} unavailable ({}): pairing and peer-finding requests get 503 until it is back",
                    where, reason(failure));
        }
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return cause == e ? message : e.getMessage() + " (" + message + ")";
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }
}
