package io.punchline.relay;

import io.punchline.crypto.PeerId;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open tunnel of one relay, by the public address of its socket, with the relay's admission limits: sessions in
 * all, per client ({@link ClientKey}: IPv4 address or IPv6 /64), and new requests per client and per authenticated
 * PeerId per minute. A datagram
 * whose target is another tunnel's public address is handed over here, in process, instead of through the relay's
 * own UDP stack.
 */
final class BindDirectory {

    private final RelayConfig config;
    private final Map<InetSocketAddress, UdpTunnel> byPublicAddress = new ConcurrentHashMap<>();
    private final Map<ClientKey, Integer> openPerClient = new HashMap<>();
    private final RequestWindow<ClientKey> perAddress;
    private final RequestWindow<PeerId> perPeer;
    private int open;

    BindDirectory(RelayConfig config) {
        this.config = config;
        this.perAddress = new RequestWindow<>(config.requestsPerMinute());
        this.perPeer = new RequestWindow<>(config.access().peerRequestsPerMinute());
    }

    /**
     * Admits a new request from {@code client}, authenticated as {@code peer} (null: anonymous), or says why not (a
     * reason for a 429 or 503 response). Every request counts against its address's and its PeerId's minute.
     */
    synchronized Admission admit(ClientKey client, PeerId peer) {
        if (!perAddress.tryCount(client)) {
            return Admission.TOO_MANY_REQUESTS;
        }
        if (peer != null && !perPeer.tryCount(peer)) {
            return Admission.TOO_MANY_FROM_PEER;
        }
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
    synchronized void release(ClientKey client) {
        open--;
        openPerClient.computeIfPresent(client, (c, n) -> n > 1 ? n - 1 : null);
    }

    /** A tunnel at each of its public addresses (one per address family the relay announces). */
    void register(UdpTunnel tunnel) {
        tunnel.publicAddresses().forEach(address -> byPublicAddress.put(address, tunnel));
    }

    void unregister(UdpTunnel tunnel) {
        tunnel.publicAddresses().forEach(address -> byPublicAddress.remove(address, tunnel));
    }

    /** The tunnel whose socket has this public address, or null. */
    UdpTunnel tunnelAt(InetSocketAddress address) {
        return byPublicAddress.get(address);
    }

    /** Every open tunnel, once (registered at each of its addresses). */
    Collection<UdpTunnel> tunnels() {
        return new LinkedHashSet<>(byPublicAddress.values());
    }

    synchronized int openSessions() {
        return open;
    }

    enum Admission { ADMITTED, TOO_MANY_REQUESTS, TOO_MANY_FROM_PEER, RELAY_FULL }
}
