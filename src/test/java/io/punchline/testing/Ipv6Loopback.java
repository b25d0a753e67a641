package io.punchline.testing;

import io.punchline.engine.EngineConfig;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code ::1} for tests that need IPv6 on loopback; they skip, saying why, on a machine without it. */
public final class Ipv6Loopback {

    private Ipv6Loopback() {
    }

    /** {@code [::1]:0}, after checking a UDP socket can bind it (else the test is skipped with the reason). */
    public static InetSocketAddress anyPort() {
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName("::1"), 0); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        String missing = null;
        try (DatagramSocket socket = new DatagramSocket(address)) {
            socket.getLocalPort();
        } catch (SocketException e) {
            missing = e.getMessage();
        }
        assumeTrue(missing == null, "no IPv6 on loopback here (binding UDP to [::1] failed: " + missing
                + "); see `ip -6 addr show lo`");
        return address;
    }

    /** {@code [::]:0}, the engine's dual-stack default, once {@code ::1} is known to work. */
    public static InetSocketAddress dualStackAnyPort() {
        anyPort();
        return EngineConfig.ALL_ADDRESSES;
    }
}
