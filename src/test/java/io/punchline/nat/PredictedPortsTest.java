package io.punchline.nat;

import io.punchline.nat.NatMapping.Behaviour;
import io.punchline.nat.TraversalAction.ClosePorts;
import io.punchline.nat.TraversalAction.OpenPorts;
import io.punchline.nat.TraversalAction.ResendPorts;
import io.punchline.nat.TraversalAction.SendControl;
import io.punchline.nat.TraversalAction.SendProbe;
import io.punchline.nat.TraversalAction.SprayFinished;
import io.punchline.nat.TraversalAction.SprayOutcome;
import io.punchline.nat.TraversalAction.SprayRole;
import io.punchline.nat.TraversalAction.SprayStarted;
import io.punchline.nat.TraversalAction.UseDirect;
import io.punchline.nat.TraversalAction.UseRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.punchline.nat.Addresses.address;
import static io.punchline.nat.TraversalScript.advance;
import static io.punchline.nat.TraversalScript.of;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both sides behind sequential allocators ({@link HardNatPunch} with {@link PortPrediction}): two real
 * {@link Traversal}s on a fake clock, each behind a model of a symmetric NAT that gives every new flow (inside socket,
 * destination) the next port of one counter and lets in only what comes from a flow's destination to its port, the lab's
 * {@code apdm-seq}. Control messages are handed over at once; datagrams pass or die at the receiving NAT.
 */
class PredictedPortsTest {

    static final InetAddress A_PUBLIC = address("198.51.100.1", 1).getAddress();
    static final InetAddress B_PUBLIC = address("203.0.113.2", 1).getAddress();
    static final int OBSERVED = 20001; // the reflexive port each NAT_MAPPING carries (step 1: the QUIC listener saw 20000)

    @Test
    void theClientPredictsThePeersNextPortsInOrderAndTheServerSkewsThemByItsIndex() {
        NatMapping peer = new NatMapping(Behaviour.SEQUENTIAL, 2, new InetSocketAddress(B_PUBLIC, 30000));
        List<InetSocketAddress> client = PortPrediction.targets(peer, true);
        List<InetSocketAddress> server = PortPrediction.targets(peer, false);
        assertThat(client).hasSize(PortPrediction.PORTS).allSatisfy(t -> assertThat(t.getAddress()).isEqualTo(B_PUBLIC));
        assertThat(client.subList(0, 3)).extracting(InetSocketAddress::getPort).containsExactly(30002, 30004, 30006);
        assertThat(server.subList(0, 6)).extracting(InetSocketAddress::getPort)
                .containsExactly(30002, 30004 + 2, 30006 + 4, 30008 + 6, 30010, 30012 + 2);
        NatMapping high = new NatMapping(Behaviour.SEQUENTIAL, 1, new InetSocketAddress(B_PUBLIC, 65530));
        assertThat(PortPrediction.targets(high, true)).extracting(InetSocketAddress::getPort)
                .as("no port beyond 65535").containsExactly(65531, 65532, 65533, 65534, 65535);
        assertThat(PortPrediction.targets(new NatMapping(Behaviour.SEQUENTIAL, 1, new InetSocketAddress(B_PUBLIC, 65535)), true))
                .isEmpty();
    }

    /** {@code extraA}, {@code extraB}: flows each NAT allocated between its observation and the side ports. */
    @ParameterizedTest
    @CsvSource({"0,0", "1,0", "0,1", "2,1", "0,3", "3,0", "1,2"})
    void twoSequentialSidesMeetOnPredictedPortsAndValidateThatPathWithinASecond(int extraA, int extraB) {
        Net net = new Net(extraA, extraB);
        net.start();
        for (long t = 10; t <= 1_000 && !(net.a.direct != null && net.b.direct != null); t += 10) {
            net.tick(t);
        }
        assertThat(net.a.direct).as("client direct").isNotNull();
        assertThat(net.b.direct).as("server direct").isNotNull();
        assertThat(net.a.direct.getAddress()).isEqualTo(B_PUBLIC);
        assertThat(net.b.direct.getAddress()).isEqualTo(A_PUBLIC);
        for (Side side : List.of(net.a, net.b)) {
            assertThat(of(side.log, OpenPorts.class)).singleElement().extracting(OpenPorts::count).isEqualTo(PortPrediction.PORTS);
            assertThat(of(side.log, SprayStarted.class)).singleElement().extracting(SprayStarted::role).isEqualTo(SprayRole.PREDICTED);
            assertThat(of(side.log, ClosePorts.class)).containsExactly(new ClosePorts(true));
            assertThat(of(side.log, SprayFinished.class)).singleElement().satisfies(f -> {
                assertThat(f.role()).isEqualTo(SprayRole.PREDICTED);
                assertThat(f.outcome()).isEqualTo(SprayOutcome.HIT);
                assertThat(f.hit()).isEqualTo(side.direct);
            });
        }
        int resendsBefore = net.a.keepalivesFromPorts + net.b.keepalivesFromPorts;
        for (long t = 1_010; t <= 3_000; t += 10) {
            net.tick(t);
        }
        assertThat(net.a.keepalivesFromPorts + net.b.keepalivesFromPorts).as("no side-port sends after validation")
                .isEqualTo(resendsBefore);
    }

    @Test
    void tooManyFlowsBetweenObservationAndPortsMeetNothingAndTheAttemptIsBoundedInPacketsAndTime() {
        Net net = new Net(PortPrediction.SKEW + 1, PortPrediction.SKEW);
        net.start();
        for (long t = 10; t <= 20_000; t += 10) {
            net.tick(t);
        }
        for (Side side : List.of(net.a, net.b)) {
            assertThat(side.direct).isNull();
            assertThat(side.keepalivesFromPorts).as("keepalives from the side ports")
                    .isLessThanOrEqualTo(PortPrediction.PORTS * (HardNatPunch.RESENDS + 2));
            assertThat(of(side.log, ClosePorts.class)).containsExactly(new ClosePorts(false));
            assertThat(of(side.log, SprayFinished.class)).singleElement().satisfies(f -> {
                assertThat(f.outcome()).isEqualTo(SprayOutcome.EXHAUSTED);
                assertThat(f.sent()).isEqualTo(side.keepalivesFromPorts);
            });
            assertThat(side.closedAtMillis).isEqualTo(side.openedAtMillis + HardNatPunch.PORTS_HELD_MILLIS);
            assertThat(side.lastPortSendMillis - side.openedAtMillis)
                    .isLessThanOrEqualTo(HardNatPunch.RESENDS * HardNatPunch.RESEND_MILLIS);
        }
    }

    @Test
    void aLostPredictedPathIsNotPredictedAgainAndAPeerRepeatingPortsOpenGetsOneResendOnly() {
        Net net = new Net(0, 0);
        net.start();
        for (long t = 10; t <= 500; t += 10) {
            net.tick(t);
        }
        assertThat(net.a.direct).isNotNull();
        net.cut = true; // the path dies: keepalives go unanswered
        for (long t = 510; t <= 10_000; t += 10) {
            net.tick(t);
        }
        assertThat(of(net.a.log, UseRelay.class)).hasSize(1);
        assertThat(of(net.a.log, OpenPorts.class)).as("one predicted attempt per session").hasSize(1);

        Net again = new Net(0, 0);
        again.start();
        int before = of(again.a.log, ResendPorts.class).size();
        again.deliver(again.a, new PortsOpen(PortPrediction.PORTS), 1);
        again.deliver(again.a, new PortsOpen(PortPrediction.PORTS), 2);
        assertThat(of(again.a.log, ResendPorts.class).size() - before).isLessThanOrEqualTo(1);
    }

    @Test
    void sequentialAgainstARandomSymmetricNatOpensNothing() {
        for (Behaviour other : List.of(Behaviour.PORT_DEPENDENT, Behaviour.UNKNOWN)) {
            Traversal server = new Traversal(TraversalRole.SERVER, 1, address("192.0.2.1", 30001),
                    Set.of(address("192.0.2.1", 30002)), new Random(1));
            server.start(List.of(), new NatMapping(Behaviour.SEQUENTIAL, 1, new InetSocketAddress(B_PUBLIC, OBSERVED)), 0);
            List<TraversalAction> actions = new ArrayList<>();
            try {
                actions.addAll(server.onMessage(NatTraversalParameter.fromClient(), 1));
                actions.addAll(server.onMessage(new NatMapping(other, 0, new InetSocketAddress(A_PUBLIC, OBSERVED)), 1));
                actions.addAll(server.onMessage(new PortsOpen(PortPrediction.PORTS), 2));
            } catch (TraversalProtocolException e) {
                throw new AssertionError(e);
            }
            actions.addAll(advance(server, 10_000, t -> TraversalScript.silence()));
            assertThat(of(actions, OpenPorts.class)).as("against %s", other).isEmpty();
            assertThat(of(actions, SendProbe.class)).as("against %s", other).isEmpty();
        }
    }

    /** Two sides and the network between them. */
    static final class Net {
        final Side a;
        final Side b;
        boolean cut;

        Net(int extraA, int extraB) {
            a = new Side(TraversalRole.CLIENT, A_PUBLIC, OBSERVED + 1 + extraA, 0xA);
            b = new Side(TraversalRole.SERVER, B_PUBLIC, OBSERVED + 1 + extraB, 0xB);
            a.peer = b;
            b.peer = a;
        }

        void start() {
            List<TraversalAction> fromA = a.traversal.start(List.of(), a.mapping(), 0);
            List<TraversalAction> fromB = b.traversal.start(List.of(), b.mapping(), 0);
            carryOut(a, fromA, 0);
            carryOut(b, fromB, 0);
        }

        void tick(long now) {
            carryOut(a, advance(a.traversal, now, t -> TraversalScript.silence()), now);
            carryOut(b, advance(b.traversal, now, t -> TraversalScript.silence()), now);
        }

        void deliver(Side to, TraversalMessage message, long now) {
            try {
                carryOut(to, to.traversal.onMessage(message, now), now);
            } catch (TraversalProtocolException e) {
                throw new AssertionError(e);
            }
        }

        void carryOut(Side side, List<TraversalAction> actions, long now) {
            side.log.addAll(actions);
            for (TraversalAction action : actions) {
                if (action instanceof SendControl send) {
                    send.messages().forEach(m -> deliver(side.peer, m, now));
                } else if (action instanceof OpenPorts open) {
                    side.openedAtMillis = now;
                    for (InetSocketAddress target : open.targets()) { // each first packet a new flow, in order
                        side.portTargets.add(target);
                        side.portMappings.add(side.allocate());
                        side.open.add(side.portTargets.size() - 1);
                    }
                    resend(side, open.opener(), now);
                } else if (action instanceof ResendPorts resend) {
                    resend(side, resend.probe(), now);
                } else if (action instanceof ClosePorts close) {
                    side.closedAtMillis = now;
                    side.open.removeIf(i -> !close.keepInUse() || !side.ties.containsValue(i));
                } else if (action instanceof SendProbe send) {
                    Integer port = side.ties.get(send.target());
                    if (port != null) {
                        send(side, port, send.probe(), send.target(), now);
                    } else if (side.engineSocketFlows.add(send.target())) {
                        side.allocate(); // the engine socket's new flow takes a port too; it meets no mapping
                    }
                } else if (action instanceof UseDirect use) {
                    side.direct = use.path();
                } else if (action instanceof UseRelay) {
                    side.direct = null;
                }
            }
        }

        private void resend(Side side, PathProbe probe, long now) {
            for (int i : List.copyOf(side.open)) {
                if (!side.open.contains(i)) {
                    continue; // closed meanwhile: a path validated
                }
                side.keepalivesFromPorts++;
                side.lastPortSendMillis = now;
                send(side, i, probe, side.portTargets.get(i), now);
            }
        }

        /** From {@code side}'s port {@code i} to {@code target}: passes the peer's NAT only into the matching flow. */
        private void send(Side side, int i, PathProbe probe, InetSocketAddress target, long now) {
            InetSocketAddress source = new InetSocketAddress(side.publicAddress, side.portMappings.get(i));
            Side peer = side.peer;
            if (cut || !target.getAddress().equals(peer.publicAddress)) {
                return;
            }
            for (int j : peer.open) {
                if (peer.portMappings.get(j) == target.getPort() && peer.portTargets.get(j).equals(source)) {
                    boolean replace = probe.kind() == PathProbe.Kind.CHALLENGE || probe.kind() == PathProbe.Kind.RESPONSE;
                    if (replace) {
                        peer.ties.put(source, j);
                    } else {
                        peer.ties.putIfAbsent(source, j);
                    }
                    carryOut(peer, peer.traversal.onProbe(probe, source, now), now);
                    return;
                }
            }
        }
    }

    /** One side: its traversal, its NAT's counter, its side ports (target and public port per index) and ties. */
    static final class Side {
        final Traversal traversal;
        final InetAddress publicAddress;
        final List<TraversalAction> log = new ArrayList<>();
        final List<InetSocketAddress> portTargets = new ArrayList<>();
        final List<Integer> portMappings = new ArrayList<>();
        final Set<Integer> open = new java.util.TreeSet<>();
        final Map<InetSocketAddress, Integer> ties = new HashMap<>();
        final Set<InetSocketAddress> engineSocketFlows = new HashSet<>();
        Side peer;
        int next;
        InetSocketAddress direct;
        int keepalivesFromPorts;
        long openedAtMillis = -1;
        long closedAtMillis = -1;
        long lastPortSendMillis = -1;

        Side(TraversalRole role, InetAddress publicAddress, int next, long seed) {
            long peerProbeId = role == TraversalRole.CLIENT ? 0x2222 : 0x1111;
            this.traversal = new Traversal(role, peerProbeId, address("192.0.2.1", role == TraversalRole.CLIENT ? 30001 : 30002),
                    Set.of(address("192.0.2.1", role == TraversalRole.CLIENT ? 30002 : 30001)), new Random(seed));
            this.publicAddress = publicAddress;
            this.next = next;
        }

        NatMapping mapping() {
            return new NatMapping(Behaviour.SEQUENTIAL, 1, new InetSocketAddress(publicAddress, OBSERVED));
        }

        int allocate() {
            return next++;
        }
    }
}
