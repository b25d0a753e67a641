package io.punchline.engine;

import io.punchline.crypto.Identity;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import io.punchline.testing.Ipv6Loopback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * IPv6 on loopback (docs/ARCHITECTURE.md, "IPv6"): engines and a relay on {@code ::1}, and the dual-stack engine socket
 * with an IPv4-only peer. Skipped, saying why, where loopback has no IPv6.
 */
@Timeout(120)
class EngineIpv6Test {

    private static final InetSocketAddress IPV4_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void enginesOnIpv6LoopbackConnectThroughARelayOnIpv6LoopbackAndGoDirect() throws Exception {
        InetSocketAddress v6 = Ipv6Loopback.anyPort();
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(v6));
             Engine a = engine(relay, v6); Engine b = engine(relay, v6)) {
            assertThat(relay.contact()).startsWith("[::1]:");
            assertThat(b.contact().bindAddress().getAddress()).isInstanceOf(Inet6Address.class);
            PeerSession session = streamAndWaitForDirect(a, b);
            assertThat(a.directAddressOf(session).getAddress()).isInstanceOf(Inet6Address.class);
        }
    }

    @Test
    void aDualStackListenerAndAnIpv4OnlyDiallerGoDirectOverIpv4() throws Exception {
        InetSocketAddress dualStack = Ipv6Loopback.dualStackAnyPort();
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(IPV4_LOOPBACK));
             Engine listener = engine(relay, dualStack); Engine dialler = engine(relay, IPV4_LOOPBACK)) {
            assertThat(listener.localAddress().getAddress().isAnyLocalAddress()).isTrue();
            assertThat(listener.localAddress().getAddress()).isInstanceOf(Inet6Address.class);
            PeerSession session = streamAndWaitForDirect(dialler, listener);
            assertThat(dialler.directAddressOf(session).getAddress()).isInstanceOf(Inet4Address.class);
        }
    }

    @Test
    void aDualStackDiallerAndAnIpv4OnlyListenerGoDirectOverIpv4() throws Exception {
        InetSocketAddress dualStack = Ipv6Loopback.dualStackAnyPort();
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(IPV4_LOOPBACK));
             Engine dialler = engine(relay, dualStack); Engine listener = engine(relay, IPV4_LOOPBACK)) {
            PeerSession session = streamAndWaitForDirect(dialler, listener);
            // the IPv4 peer is one plain IPv4 address on the dual-stack socket, not an IPv4-mapped IPv6 one
            assertThat(dialler.directAddressOf(session).getAddress()).isInstanceOf(Inet4Address.class);
        }
    }

    @Test
    void aRelayListeningOnTheIpv6WildcardServesIpv4AndIpv6ClientsAlike() throws Exception {
        InetSocketAddress dualStack = Ipv6Loopback.dualStackAnyPort();
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(dualStack.getAddress(), 0)))) {
            int port = relay.listenAddress().getPort();
            RelayAddress overIpv4 = RelayAddress.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    relay.fingerprint(), relay.peerId());
            RelayAddress overIpv6 = RelayAddress.of(new InetSocketAddress(Ipv6Loopback.anyPort().getAddress(), port),
                    relay.fingerprint(), relay.peerId());
            try (Engine ipv4 = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), overIpv4)
                    .withListen(IPV4_LOOPBACK).withTraversal(false));
                 Engine ipv6 = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), overIpv6)
                    .withListen(Ipv6Loopback.anyPort()).withTraversal(false))) {
                receiveTestStreams(ipv6);
                PeerSession session = ipv4.dial(ipv6.contact());
                assertThat(TestStream.send(ipv4, session, 1_000_000, 1)).hasSize(32);
                assertThat(ipv4.pathOf(session)).isEqualTo(EngineEvent.NetworkPath.RELAY);
            }
        }
    }

    /**
     * A relay on {@code [::]} with an IPv6 public address announces it and the host's IPv4 address in every bind, the
     * client's own family first: the dual-stack engine that reached it over IPv6 has an IPv6 contact and relay
     * candidates of both families; an IPv4-only engine has an IPv4 contact and dials the IPv6 one through the relay.
     */
    @Test
    void aDualStackRelaysBindAnnouncesBothFamiliesEachClientsOwnFirstAndEitherFamilyReachesTheOther() throws Exception {
        InetSocketAddress dualStack = Ipv6Loopback.dualStackAnyPort();
        InetAddress v6 = Ipv6Loopback.anyPort().getAddress();
        InetAddress v4 = interfaceIpv4();
        assumeTrue(v4 != null, "no IPv4 address on an interface but loopback: nothing for the relay to announce beside ::1");
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(dualStack.getAddress(), 0))
                .withPublicAddress(v6))) {
            int port = relay.listenAddress().getPort();
            RelayAddress overIpv4 = RelayAddress.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    relay.fingerprint(), relay.peerId());
            RelayAddress overIpv6 = RelayAddress.of(new InetSocketAddress(v6, port), relay.fingerprint(), relay.peerId());
            List<EngineEvent> events = new CopyOnWriteArrayList<>();
            try (Engine ipv4 = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), overIpv4)
                    .withListen(IPV4_LOOPBACK).withPortMapping(false));
                 Engine dual = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), overIpv6)
                    .withListen(dualStack).withPortMapping(false))) {
                dual.events().subscribe(timed -> events.add(timed.event()));
                assertThat(dual.contact().bindAddress().getAddress()).isEqualTo(v6);
                assertThat(ipv4.contact().bindAddress().getAddress()).isEqualTo(v4);
                receiveTestStreams(dual);
                PeerSession session = ipv4.dial(dual.contact());
                assertThat(TestStream.send(ipv4, session, 1_000_000, 1)).hasSize(32);
                long deadline = System.nanoTime() + 10_000_000_000L;
                List<String> relayCandidates = List.of();
                while (relayCandidates.size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                    relayCandidates = events.stream().filter(e -> e instanceof EngineEvent.CandidateAdded added
                                    && added.local() && added.type() == EngineEvent.CandidateType.RELAYED)
                            .map(e -> ((EngineEvent.CandidateAdded) e).address()).toList();
                }
                int dualBindPort = dual.contact().bindAddress().getPort();
                assertThat(relayCandidates).as("the dual-stack engine's relay candidates")
                        .containsExactlyInAnyOrder(new InetSocketAddress(v6, dualBindPort).toString(),
                                new InetSocketAddress(v4, dualBindPort).toString());
            }
        }
    }

    /** The first IPv4 address of an interface that is up, not loopback or link-local; null when there is none. */
    private static InetAddress interfaceIpv4() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (InetAddress address : Collections.list(nif.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return address;
                    }
                }
            }
        }
        return null;
    }

    /** {@code engine} checks every test stream a peer sends it. */
    private static void receiveTestStreams(Engine engine) {
        engine.onSession(session -> session.onStream(stream -> {
            try {
                TestStream.receive(engine, session, stream);
            } catch (Exception e) {
                stream.abort();
            }
        }));
    }

    private static Engine engine(RelayServer relay, InetSocketAddress listen) throws Exception {
        return Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address()).withListen(listen)
                .withPortMapping(false));
    }

    /** {@code dialler} dials, streams 2 MB, waits for the direct path and streams 2 MB more on it. */
    private static PeerSession streamAndWaitForDirect(Engine dialler, Engine listener) throws Exception {
        receiveTestStreams(listener);
        PeerSession session = dialler.dial(listener.contact());
        assertThat(TestStream.send(dialler, session, 2_000_000, 1)).hasSize(32);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (dialler.directAddressOf(session) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(dialler.pathOf(session)).isEqualTo(EngineEvent.NetworkPath.DIRECT);
        long directBefore = dialler.directBytes();
        TestStream.send(dialler, session, 2_000_000, 2);
        assertThat(dialler.directBytes() - directBefore).isGreaterThan(2_000_000);
        return session;
    }
}
