package io.punchline.relay;

import io.lettuce.core.ScriptOutputType;
import io.punchline.crypto.PeerId;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

/**
 * The peer directory of a relay fleet, in its shared Redis: one key per authenticated PeerId,
 * {@code P peer:HEX -> HOST|PORT|OPENED_MS|RELAY|FINDER_HEX,...}, naming the peer's newest bind on any relay of the
 * fleet and who may find it. Each relay writes its binds when they open and when their finders change, refreshes them
 * every {@link #REFRESH} (the key lives {@link #TTL}, so the bind of a relay that died is forgotten within it), and
 * deletes a bind's key when the bind closes unless a newer bind took it over. A bind newer by the wall clock wins.
 */
final class RedisPeerDirectory implements PeerDirectory {

    static final Duration TTL = Duration.ofSeconds(30);
    static final Duration REFRESH = Duration.ofSeconds(10);
    private static final String[] NO_KEYS = new String[0];

    /** ARGV: key, entry, opened ms, TTL ms. Keeps a newer bind's entry. */
    private static final String PUBLISH = """
            local current = redis.call('GET', ARGV[1])
            if current then
              local opened = tonumber(string.match(current, '^[^|]*|[^|]*|(%d+)|'))
              if opened and opened > tonumber(ARGV[3]) then return 0 end
            end
            redis.call('SET', ARGV[1], ARGV[2], 'PX', ARGV[4])
            return 1
            """;

    /** ARGV: key, the entry's start (HOST|PORT|OPENED_MS|). Deletes it only while it is still this bind's. */
    private static final String WITHDRAW = """
            local current = redis.call('GET', ARGV[1])
            if current and string.sub(current, 1, #ARGV[2]) == ARGV[2] then redis.call('DEL', ARGV[1]) return 1 end
            return 0
            """;

    private static final String FIND = "return redis.call('GET', ARGV[1])";

    private final FleetStore store;
    private final String relay;

    /** @param relay how this relay is named in its entries (its dial address) */
    RedisPeerDirectory(FleetStore store, String relay) {
        this.store = store;
        this.relay = relay.replace("|", "");
    }

    @Override
    public CompletableFuture<Void> publish(Collection<BindTunnel> binds) {
        List<CompletableFuture<Object>> writes = new ArrayList<>();
        for (BindTunnel bind : binds) {
            PeerId peer = bind.connection().peer();
            if (peer == null || bind.isClosed()) {
                continue;
            }
            StringJoiner finders = new StringJoiner(",");
            bind.connection().finders().forEach(finder -> finders.add(hex(finder)));
            String entry = start(bind) + relay + "|" + finders;
            writes.add(store.evalAsync(PUBLISH, NO_KEYS, key(peer), entry, String.valueOf(bind.openedMillis()),
                    String.valueOf(TTL.toMillis())));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    @Override
    public void withdraw(BindTunnel bind) {
        PeerId peer = bind.connection().peer();
        if (peer != null) {
            store.evalAsync(WITHDRAW, NO_KEYS, key(peer), start(bind)); // if it fails, the entry's TTL ends it
        }
    }

    @Override
    public InetSocketAddress find(PeerId target, PeerId asker) {
        String entry = store.eval(FIND, ScriptOutputType.VALUE, NO_KEYS, key(target));
        if (entry == null) {
            return null;
        }
        String[] fields = entry.split("\\|", -1);
        if (fields.length != 5 || !List.of(fields[4].split(",")).contains(hex(asker))
                || !(fields[0].contains(":") || fields[0].matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return null; // only literal addresses: an entry must never make the relay look a name up
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(fields[0]), Integer.parseInt(fields[1]));
        } catch (UnknownHostException | NumberFormatException e) {
            return null;
        }
    }

    private String key(PeerId peer) {
        return store.prefix() + "peer:" + hex(peer);
    }

    private static String start(BindTunnel bind) {
        InetSocketAddress address = bind.publicAddress();
        return address.getAddress().getHostAddress() + "|" + address.getPort() + "|" + bind.openedMillis() + "|";
    }

    private static String hex(PeerId peer) {
        return HexFormat.of().formatHex(peer.bytes());
    }
}
