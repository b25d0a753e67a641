package io.punchline.engine;

import io.punchline.crypto.Identity;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayFleet;
import io.punchline.wire.IpAddressCodec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an engine starts.
 *
 * @param identity   this installation's ML-DSA-65 identity
 * @param relays     the relay to bind on (its certificate pinned), or the relays of a fleet: the engine binds on the
 *                   nearest and fails over to the next (docs/ARCHITECTURE.md, "A fleet's relays, client side")
 * @param listen     the engine's UDP socket address; port 0 picks a free port; {@link #ALL_ADDRESSES} by default
 * @param timeout    for reaching the relay, dialling a peer, and the post-quantum handshake
 * @param traversal  whether sessions try to punch a direct path
 * @param home       the config folder holding remembered peers ({@code peers.json}); null: pairing is unavailable
 * @param deviceName the name paired peers remember this device by
 * @param portMapping whether to ask the local gateway for a mapping of the socket's port (PCP, NAT-PMP, UPnP-IGD) and
 *                    offer it as a candidate; only with traversal
 */
public record EngineConfig(Identity identity, RelayFleet relays, InetSocketAddress listen, Duration timeout,
                           boolean traversal, Path home, String deviceName, boolean portMapping) {

    /**
     * {@code [::]:0}: one dual-stack socket on every address of both families and any free port (IPv4 only where the
     * OS has no IPv6; docs/ARCHITECTURE.md, "IPv6").
     */
    public static final InetSocketAddress ALL_ADDRESSES = new InetSocketAddress(IpAddressCodec.toInetAddress(new byte[16]), 0);

    public static EngineConfig of(Identity identity, RelayAddress relay) {
        return of(identity, RelayFleet.of(relay));
    }

    public static EngineConfig of(Identity identity, RelayFleet relays) {
        return new EngineConfig(identity, relays, ALL_ADDRESSES, Duration.ofSeconds(15), true, null,
                defaultDeviceName(), true);
    }

    public EngineConfig withListen(InetSocketAddress address) {
        return new EngineConfig(identity, relays, address, timeout, traversal, home, deviceName, portMapping);
    }

    /** Without traversal every session stays on the relay (tests, benchmarks, or a user's choice). */
    public EngineConfig withTraversal(boolean enabled) {
        return new EngineConfig(identity, relays, listen, timeout, enabled, home, deviceName, portMapping);
    }

    /** Without port mapping the engine never asks its gateway for a mapping (a user's choice: {@code --no-port-mapping}). */
    public EngineConfig withPortMapping(boolean enabled) {
        return new EngineConfig(identity, relays, listen, timeout, traversal, home, deviceName, enabled);
    }

    /** Remembered peers live in {@code folder}; pairing and finding peers need it. */
    public EngineConfig withHome(Path folder) {
        return new EngineConfig(identity, relays, listen, timeout, traversal, folder, deviceName, portMapping);
    }

    public EngineConfig withDeviceName(String name) {
        if (name == null || name.isBlank() || name.strip().getBytes(StandardCharsets.UTF_8).length > 64) {
            throw new IllegalArgumentException("a device name has 1 to 64 bytes of UTF-8");
        }
        return new EngineConfig(identity, relays, listen, timeout, traversal, home, name.strip(), portMapping);
    }

    /** The host name, or "Punchline device" when the system does not tell. */
    public static String defaultDeviceName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = null;
            }
        }
        if (name == null || name.isBlank() || name.equals("localhost")) {
            return "Punchline device";
        }
        return name.length() > 64 ? name.substring(0, 64) : name;
    }
}
