package io.punchline.engine;

import io.punchline.crypto.Identity;
import io.punchline.masque.RelayAddress;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How an engine starts.
 *
 * @param identity   this installation's ML-DSA-65 identity
 * @param relay      the relay to bind on (its certificate pinned)
 * @param listen     the engine's UDP socket address; port 0 picks a free port
 * @param timeout    for reaching the relay, dialling a peer, and the post-quantum handshake
 * @param traversal  whether sessions try to punch a direct path
 */
public record EngineConfig(Identity identity, RelayAddress relay, InetSocketAddress listen, Duration timeout,
                           boolean traversal) {

    public static EngineConfig of(Identity identity, RelayAddress relay) {
        return new EngineConfig(identity, relay, new InetSocketAddress(0), Duration.ofSeconds(15), true);
    }

    public EngineConfig withListen(InetSocketAddress address) {
        return new EngineConfig(identity, relay, address, timeout, traversal);
    }

    /** Without traversal every session stays on the relay (tests, benchmarks, or a user's choice). */
    public EngineConfig withTraversal(boolean enabled) {
        return new EngineConfig(identity, relay, listen, timeout, enabled);
    }
}
