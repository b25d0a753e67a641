package io.punchline.nat;

import io.punchline.nat.Candidate.Type;
import io.punchline.nat.NatMapping.Behaviour;
import io.punchline.nat.TraversalAction.ClosePorts;
import io.punchline.nat.TraversalAction.OpenPorts;
import io.punchline.nat.TraversalAction.SendControl;
import io.punchline.nat.TraversalAction.SendProbe;
import io.punchline.nat.TraversalAction.SprayFinished;
import io.punchline.nat.TraversalAction.SprayOutcome;
import io.punchline.nat.TraversalAction.SprayRole;
import io.punchline.nat.TraversalAction.SprayStarted;
import io.punchline.nat.TraversalAction.UseDirect;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.punchline.nat.Addresses.address;
import static io.punchline.nat.TraversalScript.advance;
import static io.punchline.nat.TraversalScript.challengeTo;
import static io.punchline.nat.TraversalScript.of;
import static io.punchline.nat.TraversalScript.silence;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hard-NAT punching ({@link HardNatPunch}, {@link PortSpray}) through two real {@link Traversal}s on a fake clock: a
 * server behind a port-dependent NAT (public address H) and a client behind an endpoint-independent one (E), and the
 * other way round; the messages each sends are handed to the other as the control stream would.
 */
class HardNatPunchTest {

    static final long CLIENT_PROBE_ID = 0x1111;
    static final long SERVER_PROBE_ID = 0x2222;
    static final InetSocketAddress E = address("198.51.100.20", 40000);
    static final InetSocketAddress H = address("203.0.113.9", 29115);
    static final InetSocketAddress C_RELAY = address("192.0.2.1", 30002);
    static final InetSocketAddress S_RELAY = address("192.0.2.1", 30001);
    static final NatMapping EASY = new NatMapping(Behaviour.ENDPOINT_INDEPENDENT, 0, E);
    static final NatMapping HARD = new NatMapping(Behaviour.PORT_DEPENDENT, 0, H);

    private final Traversal client = new Traversal(TraversalRole.CLIENT, SERVER_PROBE_ID, S_RELAY, Set.of(C_RELAY),
            new Random(1));
    private final Traversal server = new Traversal(TraversalRole.SERVER, CLIENT_PROBE_ID, C_RELAY, Set.of(S_RELAY),
            new Random(2));

    @Test
    void twoObservationsAtOneRelayTellTheMappingBehaviour() {
        InetSocketAddress first = address("203.0.113.9", 40000);
        assertThat(NatMapping.observed(first, first)).contains(EASY_AT(first));
        assertThat(NatMapping.observed(first, address("203.0.113.9", 40001)).orElseThrow().behaviour())
                .isEqualTo(Behaviour.SEQUENTIAL);
        assertThat(NatMapping.observed(first, address("203.0.113.9", 40001)).orElseThrow().portStep()).isEqualTo(1);
        assertThat(NatMapping.observed(first, address("203.0.113.9", 29115)).orElseThrow().behaviour())
                .isEqualTo(Behaviour.PORT_DEPENDENT);
        assertThat(NatMapping.observed(first, address("203.0.113.9", 39999)).orElseThrow().behaviour())
                .as("a port below the first is not a sequence").isEqualTo(Behaviour.PORT_DEPENDENT);
        assertThat(NatMapping.observed(null, first)).isEmpty();
        assertThat(NatMapping.observed(first, null)).isEmpty();
    }

    private static NatMapping EASY_AT(InetSocketAddress address) {
        return new NatMapping(Behaviour.ENDPOINT_INDEPENDENT, 0, address);
    }

    @Test
    void aHardServerOpensPortsTowardAnEasyClientWhichProbesUntilOneAnswersThenBothValidateThatPath() {
        List<TraversalAction> fromServer = server.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, H)), HARD, 0);
        List<TraversalAction> fromClient = client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, E)), EASY, 0);
        assertThat(messages(fromServer)).contains(HARD);
        assertThat(messages(fromClient)).contains(EASY);

        // the server reads the client's first record: it is hard, the client easy, so it opens its ports
        List<TraversalAction> opened = deliver(messages(fromClient), server, 10);
        OpenPorts open = of(opened, OpenPorts.class).get(0);
        assertThat(open.count()).isEqualTo(HardNatPunch.PORTS);
        assertThat(open.targets()).containsOnly(E);
        assertThat(open.opener().kind()).isEqualTo(PathProbe.Kind.KEEPALIVE);
        assertThat(open.opener().sessionId()).isEqualTo(CLIENT_PROBE_ID);
        assertThat(messages(opened)).containsExactly(new PortsOpen(HardNatPunch.PORTS));
        assertThat(of(opened, SprayStarted.class)).containsExactly(new SprayStarted(SprayRole.PORTS, 256, E.toString()));
        assertThat(opened.indexOf(open)).as("the ports are open before the peer hears of them")
                .isLessThan(opened.indexOf(of(opened, SendControl.class).get(0)));

        // the client hears of them and probes the server's public address at untried ports, 10 every 20 ms
        deliver(messages(fromServer), client, 10);
        List<TraversalAction> spraying = deliver(messages(opened), client, 20);
        assertThat(of(spraying, SprayStarted.class)).hasSize(1);
        List<SendProbe> probes = sprayProbes(spraying);
        assertThat(probes).hasSize(PortSpray.PROBES_PER_TICK);
        List<SendProbe> more = sprayProbes(advance(client, 40, t -> silence()));
        assertThat(more).hasSize(PortSpray.PROBES_PER_TICK);
        Set<InetSocketAddress> targets = new HashSet<>();
        for (SendProbe probe : concat(probes, more)) {
            assertThat(probe.target().getAddress()).isEqualTo(H.getAddress());
            assertThat(probe.target().getPort()).isBetween(1024, 65535);
            assertThat(probe.probe().sessionId()).isEqualTo(SERVER_PROBE_ID);
            assertThat(targets.add(probe.target())).as("no port twice").isTrue();
        }

        // one of them met an open mapping: the server answers it on that port, the client validates the address
        SendProbe lucky = more.get(3);
        List<TraversalAction> answered = server.onProbe(lucky.probe(), E, 45);
        PathProbe ack = of(answered, SendProbe.class).get(0).probe();
        assertThat(ack.kind()).isEqualTo(PathProbe.Kind.KEEPALIVE_ACK);
        List<TraversalAction> hit = client.onProbe(ack, lucky.target(), 50);
        assertThat(of(hit, SprayFinished.class)).containsExactly(
                new SprayFinished(SprayRole.PROBES, SprayOutcome.HIT, 2 * PortSpray.PROBES_PER_TICK, lucky.target()));
        PathProbe challenge = challengeTo(hit, lucky.target());
        assertThat(sprayProbes(advance(client, 200, t -> silence()))).as("no more spraying after the hit").isEmpty();

        // the challenge reaches the server on the same port; it answers and challenges back
        List<TraversalAction> atServer = server.onProbe(challenge, E, 55);
        PathProbe response = of(atServer, SendProbe.class).stream()
                .filter(p -> p.probe().kind() == PathProbe.Kind.RESPONSE).findFirst().orElseThrow().probe();
        PathProbe serverChallenge = challengeTo(atServer, E);
        assertThat(of(client.onProbe(response, lucky.target(), 60), UseDirect.class))
                .containsExactly(new UseDirect(lucky.target()));
        List<TraversalAction> clientAnswer = client.onProbe(serverChallenge, lucky.target(), 61);
        PathProbe serverResponse = of(clientAnswer, SendProbe.class).stream()
                .filter(p -> p.probe().kind() == PathProbe.Kind.RESPONSE).findFirst().orElseThrow().probe();
        List<TraversalAction> validated = server.onProbe(serverResponse, E, 66);
        assertThat(of(validated, UseDirect.class)).containsExactly(new UseDirect(E));
        assertThat(of(validated, ClosePorts.class)).as("the ports not in use close").containsExactly(new ClosePorts(true));
        assertThat(of(validated, SprayFinished.class)).containsExactly(
                new SprayFinished(SprayRole.PORTS, SprayOutcome.HIT, HardNatPunch.PORTS, E));
    }

    @Test
    void thePeersMappingBeforeThisSidesStartStillOpensThePortsAtTheStart() {
        List<TraversalAction> early = deliver(List.of(NatTraversalParameter.fromClient(), EASY), server, 0);
        assertThat(of(early, OpenPorts.class)).isEmpty();
        List<TraversalAction> started = server.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, H)), HARD, 5);
        assertThat(of(started, OpenPorts.class)).singleElement().satisfies(o -> assertThat(o.targets()).containsOnly(E));
        List<TraversalMessage> sent = messages(started);
        assertThat(sent.get(0)).as("the parameter still opens the stream").isInstanceOf(NatTraversalParameter.class);
        assertThat(sent.get(sent.size() - 1)).isEqualTo(new PortsOpen(HardNatPunch.PORTS));
    }

    @Test
    void aHardClientOpensPortsTooAndAnEasyServerProbes() {
        List<TraversalAction> fromServer = server.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, E)), EASY, 0);
        List<TraversalAction> fromClient = client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, H)), HARD, 0);
        deliver(messages(fromClient), server, 10);
        List<TraversalAction> opened = deliver(messages(fromServer), client, 10);
        assertThat(of(opened, OpenPorts.class)).singleElement().satisfies(o -> assertThat(o.targets()).containsOnly(E));
        List<TraversalAction> spraying = deliver(messages(opened), server, 20);
        assertThat(sprayProbes(spraying)).hasSize(PortSpray.PROBES_PER_TICK)
                .allSatisfy(p -> assertThat(p.target().getAddress()).isEqualTo(H.getAddress()));
    }

    @Test
    void theSprayIsBoundedInProbesAndTimeAndThePortsCloseWhenNothingAnswered() {
        List<TraversalAction> fromServer = server.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, H)), HARD, 0);
        List<TraversalAction> fromClient = client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, E)), EASY, 0);
        List<TraversalAction> opened = deliver(messages(fromClient), server, 0);
        deliver(messages(fromServer), client, 0);
        List<TraversalAction> all = new ArrayList<>(deliver(messages(opened), client, 0));
        all.addAll(advance(client, 10_000, t -> silence()));
        assertThat(sprayProbes(all)).hasSize(PortSpray.MAX_PROBES);
        long lastTick = (PortSpray.MAX_PROBES / PortSpray.PROBES_PER_TICK) * PortSpray.TICK_MILLIS;
        assertThat(lastTick).as("the whole spray takes about two seconds").isLessThan(2_100);
        assertThat(of(all, SprayFinished.class)).containsExactly(
                new SprayFinished(SprayRole.PROBES, SprayOutcome.EXHAUSTED, PortSpray.MAX_PROBES, null));
        assertThat(sprayProbes(advance(client, 60_000, t -> silence()))).isEmpty();

        List<TraversalAction> expired = advance(server, HardNatPunch.PORTS_HELD_MILLIS, t -> silence());
        assertThat(of(expired, ClosePorts.class)).containsExactly(new ClosePorts(false));
        assertThat(of(expired, SprayFinished.class)).containsExactly(
                new SprayFinished(SprayRole.PORTS, SprayOutcome.EXHAUSTED, HardNatPunch.PORTS, null));
    }

    @Test
    void twoHardSidesOrAnUnknownMappingOpenNothingAndProbeNothing() {
        NatMapping otherHard = new NatMapping(Behaviour.PORT_DEPENDENT, 0, E);
        List<TraversalAction> fromServer = server.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, H)), HARD, 0);
        List<TraversalAction> fromClient = client.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, E)), otherHard, 0);
        assertThat(of(deliver(messages(fromClient), server, 10), OpenPorts.class)).isEmpty();
        assertThat(of(deliver(messages(fromServer), client, 10), OpenPorts.class)).isEmpty();

        Traversal unknown = new Traversal(TraversalRole.CLIENT, SERVER_PROBE_ID, S_RELAY, Set.of(C_RELAY), new Random(3));
        List<TraversalAction> start = unknown.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, E)), null, 0);
        assertThat(messages(start)).noneMatch(NatMapping.class::isInstance);
        assertThat(sprayProbes(deliver(List.of(HARD, new PortsOpen(256)), unknown, 10))).as("own mapping unknown").isEmpty();
    }

    @Test
    void aPeerClaimingAPrivateOrLoopbackReflexiveAddressGetsNoPortsAndNoProbes() {
        for (String claimed : List.of("192.168.1.1", "127.0.0.1", "10.0.0.1", "fe80::1", "fd00::1")) {
            InetSocketAddress lan = address(claimed, 80);
            Traversal hardServer = new Traversal(TraversalRole.SERVER, CLIENT_PROBE_ID, C_RELAY, Set.of(S_RELAY),
                    new Random(4));
            hardServer.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, H)), HARD, 0);
            assertThat(of(deliver(List.of(new NatMapping(Behaviour.ENDPOINT_INDEPENDENT, 0, lan)), hardServer, 10),
                    OpenPorts.class)).as("ports toward %s", claimed).isEmpty();
            Traversal easyClient = new Traversal(TraversalRole.CLIENT, SERVER_PROBE_ID, S_RELAY, Set.of(C_RELAY),
                    new Random(5));
            easyClient.start(List.of(Candidate.of(Type.SERVER_REFLEXIVE, E)), EASY, 0);
            assertThat(sprayProbes(deliver(List.of(new NatMapping(Behaviour.PORT_DEPENDENT, 0, lan), new PortsOpen(256)),
                    easyClient, 10))).as("probes toward %s", claimed).isEmpty();
        }
    }

    @Test
    void aSequentialAllocatorsNextPortsAreProbedFirstThenTheRestAtRandomWithoutRepeats() {
        NatMapping sequential = new NatMapping(Behaviour.SEQUENTIAL, 1, H);
        PortSpray spray = new PortSpray(sequential, 4, new Random(7), 0);
        List<InetSocketAddress> first = spray.due(0);
        assertThat(first.subList(0, 4)).extracting(InetSocketAddress::getPort)
                .containsExactly(H.getPort() + 1, H.getPort() + 2, H.getPort() + 3, H.getPort() + 4);
        Set<Integer> ports = new HashSet<>();
        first.forEach(a -> ports.add(a.getPort()));
        for (long t = PortSpray.TICK_MILLIS; !spray.done(); t += PortSpray.TICK_MILLIS) {
            assertThat(spray.due(t - 1)).as("nothing before the tick").isEmpty();
            spray.due(t).forEach(a -> assertThat(ports.add(a.getPort())).as("port %d twice", a.getPort()).isTrue());
        }
        assertThat(ports).hasSize(PortSpray.MAX_PROBES).allSatisfy(p -> assertThat(p).isBetween(1024, 65535));
        assertThat(ports).containsAll(List.of(H.getPort() + 4 + PortSpray.PREDICTION_SLACK));
    }

    @Test
    void natMappingAndPortsOpenRoundTripAndOutOfRangeValuesAreEncodingErrors() throws Exception {
        for (TraversalMessage message : List.of(HARD, new NatMapping(Behaviour.SEQUENTIAL, 3,
                address("2001:db8::9", 29115)), new PortsOpen(256))) {
            assertThat(TraversalCodec.decode(java.nio.ByteBuffer.wrap(message.toBytes()))).isEqualTo(message);
        }
        byte[] zeroPorts = {(byte) 0x80, 0x50, 0x4c, (byte) 0x92, 0x00};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TraversalCodec.decode(java.nio.ByteBuffer.wrap(zeroPorts)))
                .isInstanceOf(TraversalProtocolException.class).hasMessageContaining("PORTS_OPEN with 0 ports");
        byte[] unknownBehaviour = new NatMapping(Behaviour.ENDPOINT_INDEPENDENT, 0, E).toBytes();
        unknownBehaviour[4] = 9;
        assertThat(((NatMapping) TraversalCodec.decode(java.nio.ByteBuffer.wrap(unknownBehaviour))).behaviour())
                .as("a behaviour a later version defines reads as unknown").isEqualTo(Behaviour.UNKNOWN);
    }

    // ---- helpers ----

    private static List<TraversalMessage> messages(List<TraversalAction> actions) {
        return of(actions, SendControl.class).stream().flatMap(r -> r.messages().stream()).toList();
    }

    private static List<TraversalAction> deliver(List<TraversalMessage> messages, Traversal to, long nowMillis) {
        List<TraversalAction> actions = new ArrayList<>();
        for (TraversalMessage message : messages) {
            try {
                actions.addAll(to.onMessage(message, nowMillis));
            } catch (TraversalProtocolException e) {
                throw new AssertionError(e);
            }
        }
        return actions;
    }

    private static List<SendProbe> sprayProbes(List<TraversalAction> actions) {
        return of(actions, SendProbe.class).stream().filter(p -> p.probe().kind() == PathProbe.Kind.KEEPALIVE).toList();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
