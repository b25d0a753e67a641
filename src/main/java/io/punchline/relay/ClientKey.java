package io.punchline.relay;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whom a per-client cap counts: an IPv4 address, or the /64 an IPv6 address lies in. One IPv6 subscriber usually
 * holds a whole /64 (RFC 6177, RFC 7934) and can pick a fresh address in it for every request, so counting IPv6
 * addresses one by one would let one host take every slot. IPv4-mapped and other IPv6 forms of an IPv4 address
 * count as that IPv4 address. Every per-client cap of the relay (sessions, connections, requests and challenges per
 * minute, nameplates) keys by this. Immutable.
 *
 * @param network the IPv4 address, or the IPv6 address with its low 64 bits cleared
 */
public record ClientKey(InetAddress network) {

    /** The key of a client whose packets come from {@code address}. */
    public static ClientKey of(InetAddress address) {
        InetAddress plain = SpecialAddresses.normalise(address);
        if (!(plain instanceof Inet6Address)) {
            return new ClientKey(plain);
        }
        byte[] bytes = plain.getAddress();
        for (int i = 8; i < 16; i++) {
            bytes[i] = 0;
        }
        try {
            return new ClientKey(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are an IPv6 address", e);
        }
    }

    @Override
    public String toString() {
        return network instanceof Inet6Address ? network.getHostAddress() + "/64" : network.getHostAddress();
    }
}
