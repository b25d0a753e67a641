package io.punchline.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which UDP targets the relay sends to, after RFC 9298 section 7 and draft-ietf-masque-connect-udp-listen-13
 * section "Security Considerations": by default public unicast addresses only. IPv6 forms that carry an IPv4 address
 * are judged by that address ({@link SpecialAddresses#normalise}). Never: the relay's own port, the unspecified
 * address, link-local, multicast, limited broadcast, the subnet-directed broadcast address of any of the relay's
 * interfaces, documentation and reserved ranges. Loopback only with {@code allowLoopback}; private space (RFC 1918,
 * CGN 100.64/10, ULA fc00::/7) only with {@link TargetScope#PRIVATE}; nothing at all with
 * {@link TargetScope#OWN_BINDS_ONLY}. Targets that are another bind socket of this relay never reach this check; they
 * are served in process (see {@link BindDirectory}).
 *
 * <p>{@code allowLoopback} exists for tests and single-machine setups, where every host is on 127.0.0.0/8.
 */
public final class TargetPolicy {

    private final Set<InetAddress> ownAddresses;
    private final Set<InetAddress> ownBroadcasts;
    private final boolean allowLoopback;
    private final TargetScope scope;
    private final int ownPort;

    /**
     * @param own           the relay's interface addresses and their broadcast addresses ({@link #localInterfaces})
     * @param ownPort       the relay's QUIC port
     * @param allowLoopback forward to 127.0.0.0/8 and ::1 (tests, single-machine use)
     * @param scope         public only, public and private, or the relay's own binds only
     */
    public TargetPolicy(Interfaces own, int ownPort, boolean allowLoopback, TargetScope scope) {
        this.ownAddresses = own.addresses();
        this.ownBroadcasts = own.broadcasts();
        this.ownPort = ownPort;
        this.allowLoopback = allowLoopback;
        this.scope = scope;
    }

    /**
     * The relay's own addresses and the broadcast addresses of its subnets. Immutable.
     *
     * @param addresses  every interface address, plus extra ones (a public address behind 1:1 NAT)
     * @param broadcasts the IPv4 subnet-directed broadcast address of every interface address that has one
     */
    public record Interfaces(Set<InetAddress> addresses, Set<InetAddress> broadcasts) {
        public Interfaces {
            addresses = Set.copyOf(addresses);
            broadcasts = Set.copyOf(broadcasts);
        }
    }

    /** The addresses and broadcast addresses of every local interface, plus the given extra addresses. */
    public static Interfaces localInterfaces(InetAddress... extra) {
        Set<InetAddress> addresses = new HashSet<>();
        Set<InetAddress> broadcasts = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress address : nif.getInterfaceAddresses()) {
                    addresses.add(address.getAddress());
                    if (address.getBroadcast() != null) {
                        broadcasts.add(address.getBroadcast());
                    }
                }
            }
        } catch (SocketException e) {
            // no interface list: the other checks still apply
        }
        for (InetAddress address : extra) {
            if (address != null) {
                addresses.add(address);
            }
        }
        return new Interfaces(addresses, broadcasts);
    }

    /** Why {@code target} is refused, or null when the relay may send to it. */
    public String refusal(InetSocketAddress target) {
        if (scope == TargetScope.OWN_BINDS_ONLY) {
            return "this relay forwards only between its own binds";
        }
        InetAddress original = target.getAddress();
        if (original == null) {
            return "unresolved target";
        }
        if (target.getPort() == 0) {
            return "port 0";
        }
        InetAddress address = SpecialAddresses.normalise(original);
        if (ownBroadcasts.contains(address)) {
            return "broadcast address of one of the relay's subnets";
        }
        Optional<AddressBlock> block = SpecialAddresses.blockOf(address);
        AddressBlock.Kind kind = block.map(AddressBlock::kind).orElse(null);
        if (kind == AddressBlock.Kind.NEVER) {
            return block.get().name();
        }
        boolean own = ownAddresses.contains(address) || ownAddresses.contains(original);
        if (own || kind == AddressBlock.Kind.LOOPBACK) {
            // the relay's own host: loopback and its own addresses are one case (tests, single-machine setups)
            if (!allowLoopback) {
                return kind == AddressBlock.Kind.LOOPBACK ? block.get().name() : "one of the relay's own addresses";
            }
            return target.getPort() == ownPort ? "the relay's own port" : null;
        }
        if (kind == AddressBlock.Kind.PRIVATE && scope != TargetScope.PRIVATE) {
            return block.get().name();
        }
        return null;
    }

    public boolean allows(InetSocketAddress target) {
        return refusal(target) == null;
    }
}
