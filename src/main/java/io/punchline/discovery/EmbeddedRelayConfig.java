package io.punchline.discovery;

import io.punchline.crypto.PeerId;
import io.punchline.pairing.RememberedPeers;
import io.punchline.relay.OwnerScope;
import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.TargetScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How a relay embedded in a window or in {@code punchline send/receive} runs (docs/SECURITY.md section 6.5). It exists
 * so that two copies on one machine or one LAN find each other, and nothing more:
 * <ul>
 *   <li>it forwards only between its own binds, in process, and sends nothing to any other address
 *       ({@link TargetScope#OWN_BINDS_ONLY}; no loopback targets);</li>
 *   <li>it serves binds to its owner (the device running it), the peers the owner remembers, and a device joining the
 *       owner's open pairing code ({@link OwnerScope}); any authenticated PeerId may use its pairing mailbox;</li>
 *   <li>smaller limits than a standalone relay: it serves a handful of devices.</li>
 * </ul>
 */
public final class EmbeddedRelayConfig {

    /** What an embedded relay serves, in one sentence for the window's relay pane and the CLI. */
    public static final String SERVES = "serves only this device, the peers it remembers and a device entering its "
            + "pairing code; forwards only between them, to no other address";

    /** Guest requests (a device joining the owner's open code) open at once. */
    static final int MAX_GUESTS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRelayConfig.class);

    private EmbeddedRelayConfig() {
    }

    /**
     * @param listen     where the relay listens
     * @param dataFolder the relay's identities (null: fresh ones in memory)
     * @param owner      the PeerId of the device running the relay
     * @param ownerHome  the owner's configuration folder, whose {@value RememberedPeers#FILE_NAME} names its peers
     */
    public static RelayConfig of(InetSocketAddress listen, Path dataFolder, PeerId owner, Path ownerHome) {
        return RelayConfig.defaults(listen)
                .withDataFolder(dataFolder)
                .withLoopbackTargets(false)
                .withTargets(TargetScope.OWN_BINDS_ONLY)
                .withLimits(64, 16, 256, 0, 600)
                .withAccess(RelayAccess.OPEN.withOwner(new OwnerScope(owner, rememberedIn(ownerHome), MAX_GUESTS)));
    }

    /** The PeerIds remembered in {@code home}, read afresh at each call; none when the file is missing or damaged. */
    static Supplier<Set<PeerId>> rememberedIn(Path home) {
        return () -> {
            try {
                return RememberedPeers.load(home).all().stream().map(RememberedPeers.Peer::peerId)
                        .collect(Collectors.toUnmodifiableSet());
            } catch (IOException | RuntimeException e) {
                LOG.warn("embedded relay: cannot read the remembered peers in {} ({}); serving only this device",
                        home, e.getMessage());
                return Set.of();
            }
        };
    }
}
