package io.punchline.nat;

import io.punchline.wire.IpLiteral;
import io.punchline.wire.WireFormatException;
import java.net.InetSocketAddress;

final class Addresses {
    private Addresses() {
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(IpLiteral.parse(ip), port);
        } catch (WireFormatException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
