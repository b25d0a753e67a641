package io.punchline.relay;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One CIDR block ({@code 10.0.0.0/8}, {@code fc00::/7}) and the kind of address space it is. Immutable.
 *
 * @param network the block's first address, in network byte order (4 or 16 bytes)
 * @param bits    the prefix length
 * @param kind    what the relay makes of targets inside it
 * @param name    what a refusal says, e.g. "RFC 1918 private address"
 */
record AddressBlock(byte[] network, int bits, Kind kind, String name) {

    /** How the target policy treats a block. */
    enum Kind {
        /** Loopback: only with {@code --allow-loopback-targets}. */
        LOOPBACK,
        /** Private networks (RFC 1918, CGN, ULA...): only with {@code --allow-private-targets}. */
        PRIVATE,
        /** Never a target: unspecified, link-local, multicast, broadcast, documentation, reserved. */
        NEVER
    }

    AddressBlock {
        network = network.clone();
        if (bits < 0 || bits > network.length * 8) {
            throw new IllegalArgumentException("prefix length " + bits + " for a " + network.length + "-byte address");
        }
    }

    /** {@code "10.0.0.0/8"}: literals only, never a name lookup. */
    static AddressBlock parse(String cidr, Kind kind, String name) {
        int slash = cidr.indexOf('/');
        try {
            byte[] address = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            return new AddressBlock(address, Integer.parseInt(cidr.substring(slash + 1)), kind, name);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + cidr, e);
        }
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /** Whether {@code address} (of the same family) lies in this block. */
    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressBlock block && block.bits == bits && block.kind == kind
                && Arrays.equals(block.network, network) && block.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + bits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits + " (" + name + ")";
        } catch (UnknownHostException e) {
            return name;
        }
    }
}
