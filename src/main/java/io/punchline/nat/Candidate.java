package io.punchline.nat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An address candidate, RFC 8445 section 5.1.1, with its priority from section 5.1.2.1:
 * {@code priority = 2^24 * (type preference) + 2^8 * (local preference) + (256 - component ID)}.
 *
 * <p>Type preferences are the RFC's recommended values (section 5.1.2.2): host 126, server-reflexive 100, relayed 0;
 * a port-mapped candidate (an address the gateway granted by PCP, NAT-PMP or UPnP-IGD: a server-reflexive address that
 * admits anyone, so more likely to work) gets 110, between host and server-reflexive, as section 5.1.2.2 lets an agent
 * choose for types it does not list.
 * QUIC has one component, so the last term is always 255. The local preference (0..65535) is Punchline's simple,
 * documented choice, ranking what is most likely to be reachable from the other peer first; IPv6 comes just before
 * IPv4 within a scope, as RFC 8421 recommends for dual-stack hosts:
 *
 * <pre>
 *   scope        IPv6    IPv4
 *   PUBLIC       65535   65534
 *   PRIVATE      49151   49150   (RFC 1918, 100.64/10, fc00::/7)
 *   LINK_LOCAL   32767   32766
 *   LOOPBACK     16383   16382
 * </pre>
 *
 * <p>draft-seemann-quic-nat-traversal-02's ADD_ADDRESS carries neither type nor priority, so the client has to guess the
 * remote side's: see {@link #inferred(InetSocketAddress)}.
 *
 * @param priority 1..2^31-1 as section 5.1.2.1 requires
 */
public record Candidate(Type type, InetSocketAddress address, long priority) {

    /** RFC 8445 section 5.1.1.1 candidate types with the recommended type preferences of section 5.1.2.2. */
    public enum Type {
        HOST(126, "host"), MAPPED(110, "mapped"), SERVER_REFLEXIVE(100, "srflx"), RELAYED(0, "relay");

        private final int preference;
        private final String token;

        Type(int preference, String token) {
            this.preference = preference;
            this.token = token;
        }

        public int preference() {
            return preference;
        }

        /** The RFC 8839 candidate-type token ({@code mapped} is ours: an address the gateway mapped for us). */
        public String token() {
            return token;
        }
    }

    /** QUIC needs a single component (RFC 8445 section 5.1.1: one per transport-layer flow). */
    static final int COMPONENT_ID = 1;

    public Candidate {
        if (type == null || address == null) {
            throw new IllegalArgumentException("type and address are required");
        }
        if (!isUsable(address)) {
            throw new IllegalArgumentException("not a usable candidate address: " + address);
        }
        if (priority < 1 || priority > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("priority must be 1..2^31-1, not " + priority);
        }
    }

    /** A candidate whose priority follows the formula above. */
    public static Candidate of(Type type, InetSocketAddress address) {
        if (!isUsable(address)) {
            throw new IllegalArgumentException("not a usable candidate address: " + address);
        }
        return new Candidate(type, address, priority(type, localPreference(address.getAddress())));
    }

    /**
     * A remote candidate learnt from ADD_ADDRESS, whose type the draft does not send: a public IPv4 address is taken as
     * server-reflexive (end hosts with a public IPv4 address are rare; it is almost always a NAT mapping), anything else
     * as a host candidate (global IPv6 addresses are usually not translated). Only the pair order depends on the guess.
     */
    public static Candidate inferred(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        boolean publicIpv4 = ip instanceof Inet4Address && AddressScope.of(ip) == AddressScope.PUBLIC;
        return of(publicIpv4 ? Type.SERVER_REFLEXIVE : Type.HOST, address);
    }

    /** RFC 8445 section 5.1.2.1 for component 1. */
    public static long priority(Type type, int localPreference) {
        if (localPreference < 0 || localPreference > 0xFFFF) {
            throw new IllegalArgumentException("local preference must be 0..65535, not " + localPreference);
        }
        return ((long) type.preference() << 24) + ((long) localPreference << 8) + (256 - COMPONENT_ID);
    }

    /** The table in the class comment. */
    public static int localPreference(InetAddress address) {
        int scopeBase = switch (AddressScope.of(address)) {
            case PUBLIC -> 0xFFFF;
            case PRIVATE -> 0xBFFF;
            case LINK_LOCAL -> 0x7FFF;
            case LOOPBACK -> 0x3FFF;
            case UNUSABLE -> throw new IllegalArgumentException("not a candidate address: " + address);
        };
        return address instanceof Inet4Address ? scopeBase - 1 : scopeBase;
    }

    /** A resolved, non-zero port on an address that is not wildcard, multicast, broadcast or reserved. */
    public static boolean isUsable(InetSocketAddress address) {
        return address != null && address.getAddress() != null && address.getPort() != 0
                && AddressScope.of(address.getAddress()) != AddressScope.UNUSABLE;
    }

    public AddressScope scope() {
        return AddressScope.of(address.getAddress());
    }

    public boolean isIpv4() {
        return address.getAddress() instanceof Inet4Address;
    }
}
