package io.punchline.nat;

import io.punchline.testing.Mutations;
import static io.punchline.nat.Addresses.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.punchline.nat.PathProbe.Kind;
import io.punchline.testing.FuzzBudget;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Random and mutated input never makes a traversal decoder throw anything but its declared exception, probes never
 * authenticate what was changed, and a scheduler driven by random events never makes a responder call it a violator.
 */
@AddLifecycleHook(FuzzBudget.class)
class NatFuzzTest {

    private static final InetSocketAddress[] ADDRESSES = {address("192.0.2.1", 4433), address("2001:db8::1", 1),
            address("10.0.0.7", 65535), address("0.0.0.0", 0), address("::ffff:203.0.113.9", 80)};

    private static final Arbitrary<Long> VARINTS = Arbitraries.oneOf(Arbitraries.longs().between(0, 70),
            Arbitraries.longs().between(0, (1L << 62) - 1));

    @Provide
    Arbitrary<TraversalMessage> toClient() {
        Arbitrary<InetSocketAddress> addresses = Arbitraries.of(ADDRESSES);
        return Arbitraries.oneOf(
                Combinators.combine(VARINTS, addresses).as(AddAddress::new),
                VARINTS.map(RemoveAddress::new),
                Combinators.combine(VARINTS, addresses).as(ObservedAddress::new),
                Combinators.combine(Arbitraries.of(NatMapping.Behaviour.class), Arbitraries.integers().between(0, 65535),
                        addresses).as(NatMapping::new),
                Arbitraries.integers().between(1, PortsOpen.MAX_PORTS).map(PortsOpen::new));
    }

    @Provide
    Arbitrary<TraversalMessage> anyMessage() {
        return Arbitraries.oneOf(toClient(),
                Combinators.combine(VARINTS, VARINTS, Arbitraries.of(ADDRESSES)).as(PunchMeNow::new),
                VARINTS.map(NatTraversalParameter::new));
    }

    /** The messages after the parameter that opens the client-bound stream (server limit 3). */
    private static byte[] stream(List<TraversalMessage> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(NatTraversalParameter.fromServer(3).toBytes());
        messages.forEach(m -> out.writeBytes(m.toBytes()));
        return out.toByteArray();
    }

    private static List<TraversalMessage> decodeInChunks(TraversalRole receiver, byte[] bytes, List<Integer> cuts)
            throws TraversalProtocolException {
        TraversalCodec codec = new TraversalCodec(receiver);
        List<TraversalMessage> got = new ArrayList<>();
        int at = 0;
        for (int cut : cuts) {
            int end = Math.min(bytes.length, at + cut);
            codec.feed(ByteBuffer.wrap(bytes, at, end - at), got::add);
            at = end;
        }
        codec.feed(ByteBuffer.wrap(bytes, at, bytes.length - at), got::add);
        codec.finish();
        return got;
    }

    @Property(tries = 2000)
    void messagesRoundTripInAnyChunking(@ForAll @Size(max = 8) List<@From("toClient") TraversalMessage> messages,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 45) Integer> cuts) throws Exception {
        assertThat(decodeInChunks(TraversalRole.CLIENT, stream(messages), cuts))
                .isEqualTo(java.util.stream.Stream.concat(java.util.stream.Stream.of(
                        NatTraversalParameter.fromServer(3)), messages.stream()).toList());
    }

    @Property(tries = 2000)
    void everyMessageIsAtMostTheDecodersBuffer(@ForAll("anyMessage") TraversalMessage message) throws Exception {
        assertThat(message.encodedLength()).isLessThanOrEqualTo(TraversalCodec.MAX_MESSAGE_LENGTH)
                .isEqualTo(message.toBytes().length);
        assertThat(TraversalCodec.decode(ByteBuffer.wrap(message.toBytes()))).isEqualTo(message);
    }

    @Property(tries = 3000)
    void codecOnRandomBytesOnlyThrowsTraversalProtocolException(@ForAll @Size(max = 120) byte[] input,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 45) Integer> cuts, @ForAll TraversalRole role) {
        try {
            decodeInChunks(role, input, cuts);
        } catch (TraversalProtocolException expected) {
            // fine
        }
    }

    @Property(tries = 3000)
    void codecOnMutatedStreamsOnlyThrowsTraversalProtocolException(
            @ForAll @Size(min = 1, max = 6) List<@From("anyMessage") TraversalMessage> messages,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> mutations,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 45) Integer> cuts, @ForAll TraversalRole role) {
        try {
            for (TraversalMessage m : decodeInChunks(role, Mutations.apply(stream(messages), mutations), cuts)) {
                // whatever decodes is a valid message that survives its own round trip
                assertThat(TraversalCodec.decode(ByteBuffer.wrap(m.toBytes()))).isEqualTo(m);
            }
        } catch (TraversalProtocolException expected) {
            // fine
        }
    }

    @Property(tries = 3000)
    void singleMessageDecoderOnRandomBytesOnlyThrowsTraversalProtocolException(
            @ForAll @Size(max = 50) byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input);
        try {
            TraversalMessage m = TraversalCodec.tryDecode(in);
            if (m == null) {
                assertThat(in.position()).isZero();
            } else {
                assertThat(in.position()).isBetween(1, TraversalCodec.MAX_MESSAGE_LENGTH);
            }
        } catch (TraversalProtocolException expected) {
            assertThat(in.position()).isZero();
        }
    }

    // ---- probes ----

    @Property(tries = 3000)
    void probeDecoderOnRandomBytesNeverThrowsNorAccepts(@ForAll @Size(max = 1300) byte[] input) {
        ProbeVerdict verdict = PathProbe.decode(ByteBuffer.wrap(input), PathProbeTest.KEY);
        assertThat(verdict).isInstanceOf(ProbeVerdict.Rejected.class);
    }

    @Property(tries = 3000)
    void mutatedProbeIsAcceptedOnlyWhenItsAuthenticatedBytesAreIntact(@ForAll Kind kind, @ForAll long session,
            @ForAll long data, @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 1_000_000) Integer> m) {
        PathProbe probe = new PathProbe(kind, session, data);
        byte[] original = probe.encode(PathProbeTest.KEY);
        byte[] mutated = Mutations.apply(original, m);
        ProbeVerdict verdict = PathProbe.decode(ByteBuffer.wrap(mutated), PathProbeTest.KEY);
        if (verdict instanceof ProbeVerdict.Accepted accepted) {
            assertThat(Arrays.copyOf(mutated, PathProbe.UNPADDED_LENGTH))
                    .isEqualTo(Arrays.copyOf(original, PathProbe.UNPADDED_LENGTH));
            assertThat(accepted.probe()).isEqualTo(probe);
        }
    }

    // ---- rounds ----

    /** One client-side event: kind 0 ADD_ADDRESS, 1 REMOVE_ADDRESS, 2 timer, 3 validated, 4 path lost. */
    record Event(int kind, int which, int advanceMillis) {
    }

    @Provide
    Arbitrary<Event> events() {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 7_000)).as(Event::new);
    }

    private static final InetSocketAddress[] SERVER_ADDRESSES = {address("203.0.113.1", 1000),
            address("203.0.113.2", 1000), address("192.168.1.20", 6000), address("192.168.1.21", 6000),
            address("10.0.0.5", 6000), address("2001:db8::20", 6000), address("2001:db8::21", 6000),
            address("203.0.113.3", 1000), address("198.51.100.77", 9), address("0.0.0.0", 0)};

    @Property(tries = 1000)
    void schedulerNeverBreaksTheRulesTheResponderEnforces(@ForAll @IntRange(min = 1, max = 4) int limit,
            @ForAll @Size(max = 60) List<@From("events") Event> events) throws Exception {
        PunchResponder server = new PunchResponder(limit);
        PunchScheduler client = new PunchScheduler(limit, PunchSchedulerTest.SETTINGS, Set.of());
        TraversalCodec clientReads = new TraversalCodec(TraversalRole.CLIENT);
        TraversalCodec serverReads = new TraversalCodec(TraversalRole.SERVER);
        clientReads.feed(ByteBuffer.wrap(NatTraversalParameter.fromServer(limit).toBytes()));
        serverReads.feed(ByteBuffer.wrap(NatTraversalParameter.fromClient().toBytes()));
        List<Candidate> local = List.of(Candidate.of(Candidate.Type.HOST, address("192.168.1.10", 5000)),
                Candidate.of(Candidate.Type.SERVER_REFLEXIVE, address("198.51.100.20", 40000)),
                Candidate.of(Candidate.Type.HOST, address("2001:db8::10", 5000)));
        long now = 0;
        long lastRound = 0;
        List<PunchOrder> orders = new ArrayList<>();
        client.onLocalCandidates(local, now).ifPresent(orders::add);
        for (Event e : events) {
            now += e.advanceMillis();
            InetSocketAddress a = SERVER_ADDRESSES[e.which()];
            List<TraversalMessage> frames = new ArrayList<>();
            switch (e.kind()) {
                case 0 -> frames.add(server.advertise(a));
                case 1 -> server.withdraw(a).ifPresent(frames::add);
                case 2 -> client.onTimer(now).ifPresent(orders::add);
                case 3 -> client.onValidated(a, now);
                default -> client.onPathLost(now);
            }
            for (TraversalMessage f : frames) {
                for (TraversalMessage received : clientReads.feed(ByteBuffer.wrap(f.toBytes()))) {
                    (received instanceof AddAddress add ? client.onAddAddress(add, now)
                            : client.onRemoveAddress((RemoveAddress) received, now)).ifPresent(orders::add);
                }
            }
            for (PunchOrder order : orders) {
                assertThat(order.round().number()).isGreaterThanOrEqualTo(lastRound);
                assertThat(order.round().pairs()).hasSizeLessThanOrEqualTo(limit);
                if (order.newRound()) {
                    assertThat(order.round().number()).isGreaterThan(lastRound);
                }
                lastRound = order.round().number();
                for (PunchMeNow m : order.messages()) {
                    for (TraversalMessage received : serverReads.feed(ByteBuffer.wrap(m.toBytes()))) {
                        assertThat(server.onPunchMeNow((PunchMeNow) received).outcome())
                                .isNotEqualTo(PunchResponse.Outcome.STALE_ROUND);
                    }
                }
            }
            orders.clear();
            long punching = client.pairs().stream()
                    .filter(p -> p.state() == PunchScheduler.PairState.PUNCHING).count();
            assertThat(punching).isLessThanOrEqualTo(limit);
            assertThat(client.currentRound().isPresent()).isEqualTo(punching > 0);
            if (client.validatedPair().isPresent()) {
                assertThat(client.currentRound()).isEmpty();
            }
        }
    }
}
