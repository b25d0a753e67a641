package io.punchline.relay;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay's open client connections, capped in all and per {@link ClientKey} (an IPv4 address or an IPv6 /64).
 * Thread-safe.
 */
final class ClientConnections {

    private final int max;
    private final int maxPerClient;
    private final Map<ClientKey, Integer> perClient = new HashMap<>();
    private final Set<RelayConnection> open = ConcurrentHashMap.newKeySet();
    private int count;

    ClientConnections(RelayResources resources) {
        this.max = resources.maxConnections();
        this.maxPerClient = resources.maxConnectionsPerClient();
    }

    /** Takes a slot for a new connection of {@code client}; false (and nothing taken) when a cap is reached. */
    synchronized boolean admit(ClientKey client) {
        if (count >= max || perClient.getOrDefault(client, 0) >= maxPerClient) {
            return false;
        }
        count++;
        perClient.merge(client, 1, Integer::sum);
        return true;
    }

    /** Gives back the slot of an admitted connection that has ended. */
    synchronized void release(ClientKey client) {
        count--;
        perClient.computeIfPresent(client, (key, n) -> n > 1 ? n - 1 : null);
    }

    /** Client connections open now. */
    synchronized int count() {
        return count;
    }

    void opened(RelayConnection connection) {
        open.add(connection);
    }

    void closed(RelayConnection connection) {
        open.remove(connection);
    }

    /** Bytes queued now in every open connection's send queue. */
    long sendQueueBytes() {
        long total = 0;
        for (RelayConnection connection : open) {
            total += connection.sendQueueBytes();
        }
        return total;
    }
}
