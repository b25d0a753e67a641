package io.punchline.masque;

import io.punchline.relay.RelayAccess;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayResources;
import io.punchline.relay.RelayServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Per-client caps count a whole IPv6 /64, end to end: clients with different addresses of one /64 share one client's
 * sessions and connections, and a client of another /64 is not affected. Needs root: the test puts a few addresses of
 * a random ULA /48 on the loopback interface ({@code ip -6 addr add ... nodad}) and removes them afterwards.
 */
@Timeout(60)
class RelaySlash64CapsTest {

    private final List<String> added = new ArrayList<>();
    private String prefix;
    private RelayServer relay;

    @BeforeEach
    void addAddresses() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to add IPv6 addresses to lo");
        prefix = String.format("fd5a:fe%02x:%04x", ThreadLocalRandom.current().nextInt(256),
                ThreadLocalRandom.current().nextInt(65536));
        for (String address : List.of(":64::a", ":64::b", ":64:0:ffff:0:c", ":65::a", ":66::1")) {
            String full = prefix + address;
            int exit = new ProcessBuilder("ip", "-6", "addr", "add", full + "/128", "dev", "lo", "nodad")
                    .inheritIO().start().waitFor();
            assumeTrue(exit == 0, "could not add " + full + " to lo");
            added.add(full);
        }
    }

    @AfterEach
    void removeAddresses() throws Exception {
        if (relay != null) {
            relay.close();
        }
        for (String address : added) {
            new ProcessBuilder("ip", "-6", "addr", "del", address + "/128", "dev", "lo").inheritIO().start().waitFor();
        }
    }

    @Test
    void sessionsAreCappedPerSlash64() throws Exception {
        RelayAddress address = start(2, 16);
        List<BindClient> clients = new ArrayList<>();
        try {
            clients.add(bindFrom(address, prefix + ":64::a"));
            clients.add(bindFrom(address, prefix + ":64::b"));
            // a third address of the same /64: the /64 already holds its 2 sessions
            assertThatThrownBy(() -> clients.add(bindFrom(address, prefix + ":64:0:ffff:0:c")))
                    .isInstanceOf(BindException.class).hasMessageContaining("429");
            // another /64 is another client
            clients.add(bindFrom(address, prefix + ":65::a"));
        } finally {
            clients.forEach(BindClient::close);
        }
    }

    @Test
    void connectionsAreCappedPerSlash64() throws Exception {
        RelayAddress address = start(32, 2);
        List<BindClient> clients = new ArrayList<>();
        try {
            clients.add(bindFrom(address, prefix + ":64::a"));
            clients.add(bindFrom(address, prefix + ":64::b"));
            assertThatThrownBy(() -> clients.add(bindFrom(address, prefix + ":64:0:ffff:0:c")))
                    .isInstanceOf(BindException.class);
            assertThat(relay.statistics().connectionsRefused()).isEqualTo(1);
            clients.add(bindFrom(address, prefix + ":65::a"));
        } finally {
            clients.forEach(BindClient::close);
        }
    }

    private RelayAddress start(int sessionsPerClient, int connectionsPerClient) throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getByName(prefix + ":66::1"), 0))
                .withLimits(100, sessionsPerClient, 8, 0, 600)
                .withAccess(RelayAccess.OPEN.withAnonymous(true))
                .withResources(RelayResources.DEFAULT.withConnections(100, connectionsPerClient)));
        return relay.address().withoutRelayPeer();
    }

    private static BindClient bindFrom(RelayAddress relay, String source) throws Exception {
        InetAddress from = InetAddress.getByName(source);
        return BindClient.connect(relay, destination -> new DatagramSocket(new InetSocketAddress(from, 0)),
                (s, data, offset, length) -> { }, Duration.ofSeconds(10));
    }
}
