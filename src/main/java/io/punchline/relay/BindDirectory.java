package io.punchline.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open tunnel of one relay, by the public address of its socket, with the relay's admission limits: sessions in
 * all, per client address, and new requests per client address per minute. A datagram whose target is another
 * tunnel's public address is handed over here, in process, instead of through the relay's own UDP stack.
 */
final class BindDirectory {

    private final RelayConfig config;
    private final Map<InetSocketAddress, BindTunnel> byPublicAddress = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> openPerClient = new HashMap<>();
    private final Map<InetAddress, Deque<Long>> recentRequests = new HashMap<>();
    private int open;

    BindDirectory(RelayConfig config) {
        this.config = config;
    }

    /** Admits a new request from {@code client}, or says why not (a reason for a 429 or 503 response). */
    synchronized Admission admit(InetAddress client) {
        long now = System.nanoTime();
        Deque<Long> recent = recentRequests.computeIfAbsent(client, c -> new ArrayDeque<>());
        while (!recent.isEmpty() && now - recent.peekFirst() > 60_000_000_000L) {
            recent.removeFirst();
        }
        if (recent.size() >= config.requestsPerMinute()) {
            return Admission.TOO_MANY_REQUESTS;
        }
        recent.addLast(now);
        if (open >= config.maxSessions()) {
            return Admission.RELAY_FULL;
        }
        if (openPerClient.getOrDefault(client, 0) >= config.maxSessionsPerClient()) {
            return Admission.TOO_MANY_REQUESTS;
        }
        open++;
        openPerClient.merge(client, 1, Integer::sum);
        return Admission.ADMITTED;
    }

    /** Gives back the slot of an admitted request that has ended (or never got a tunnel). */
    synchronized void release(InetAddress client) {
        open--;
        openPerClient.computeIfPresent(client, (c, n) -> n > 1 ? n - 1 : null);
        Deque<Long> recent = recentRequests.get(client);
        if (recent != null && recent.isEmpty() && !openPerClient.containsKey(client)) {
            recentRequests.remove(client);
        }
    }

    void register(BindTunnel tunnel) {
        byPublicAddress.put(tunnel.publicAddress(), tunnel);
    }

    void unregister(BindTunnel tunnel) {
        byPublicAddress.remove(tunnel.publicAddress(), tunnel);
    }

    /** The tunnel whose socket has this public address, or null. */
    BindTunnel tunnelAt(InetSocketAddress address) {
        return byPublicAddress.get(address);
    }

    java.util.Collection<BindTunnel> tunnels() {
        return byPublicAddress.values();
    }

    synchronized int openSessions() {
        return open;
    }

    enum Admission { ADMITTED, TOO_MANY_REQUESTS, RELAY_FULL }
}
