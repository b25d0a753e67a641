package io.punchline.masque;

import io.punchline.testing.Mutations;
import static io.punchline.masque.ContextRegistryTest.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.punchline.masque.ContextLookup.Kind;
import io.punchline.masque.ContextRegistry.Limits;
import io.punchline.masque.ContextRegistry.Role;
import io.punchline.wire.WireFormatException;
import io.punchline.testing.FuzzBudget;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Random and mutated input never makes a MASQUE parser throw anything but its declared exceptions, and two compliant
 * registries exchanging capsules in any interleaving never call each other malformed.
 */
@AddLifecycleHook(FuzzBudget.class)
class MasqueFuzzTest {

    private static final InetSocketAddress[] TUPLES = {address("192.0.2.1", 1), address("192.0.2.1", 2),
            address("2001:db8::1", 443), address("203.0.113.11", 60000)};

    // ---- capsules ----

    @Provide
    Arbitrary<Capsule> capsules() {
        Arbitrary<Long> ids = Arbitraries.oneOf(Arbitraries.longs().between(1, 70),
                Arbitraries.longs().between(1, (1L << 62) - 1));
        Arbitrary<InetSocketAddress> tuples = Arbitraries.of(TUPLES).injectNull(0.3);
        return Arbitraries.oneOf(
                Combinators.combine(ids, tuples).as(CompressionAssign::new),
                ids.map(CompressionAck::new),
                ids.map(CompressionClose::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(DatagramCapsule::new),
                Combinators.combine(Arbitraries.longs().between(0x14, 1L << 40), Arbitraries.longs().between(0, 40))
                        .as(UnknownCapsule::new));
    }

    private static byte[] stream(List<Capsule> capsules) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        capsules.forEach(c -> out.writeBytes(c.toBytes()));
        return out.toByteArray();
    }

    private static List<Capsule> parseInChunks(byte[] bytes, List<Integer> cuts) throws MalformedCapsuleException {
        CapsuleParser parser = new CapsuleParser(200);
        List<Capsule> got = new ArrayList<>();
        int at = 0;
        for (int cut : cuts) {
            int end = Math.min(bytes.length, at + cut);
            parser.feed(ByteBuffer.wrap(bytes, at, end - at), got::add);
            at = end;
        }
        parser.feed(ByteBuffer.wrap(bytes, at, bytes.length - at), got::add);
        parser.finish();
        return got;
    }

    @Property(tries = 2000)
    void capsulesRoundTripThroughTheParserInAnyChunking(@ForAll @Size(max = 8) List<@From("capsules") Capsule> capsules,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 40) Integer> cuts) throws Exception {
        List<Capsule> expected = capsules.stream()
                .filter(c -> !(c instanceof DatagramCapsule d) || d.valueLength() <= 200).toList();
        assertThat(parseInChunks(stream(capsules), cuts)).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void capsuleParserOnRandomBytesOnlyThrowsMalformedCapsule(@ForAll @Size(max = 200) byte[] input,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 40) Integer> cuts) {
        try {
            parseInChunks(input, cuts);
        } catch (MalformedCapsuleException expected) {
            // fine
        }
    }

    @Property(tries = 2000)
    void capsuleParserOnMutatedCapsulesOnlyThrowsMalformedCapsule(
            @ForAll @Size(min = 1, max = 6) List<@From("capsules") Capsule> capsules,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> mutations,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 40) Integer> cuts) {
        byte[] mutated = Mutations.apply(stream(capsules), mutations);
        try {
            parseInChunks(mutated, cuts);
        } catch (MalformedCapsuleException expected) {
            // fine
        }
    }

    // ---- datagrams ----

    @Property(tries = 2000)
    void datagramDecodersOnRandomBytesOnlyThrowWireFormatExceptions(@ForAll @Size(max = 40) byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input);
        try {
            long qsid = HttpDatagram.decodeQuarterStreamId(in);
            assertThat(qsid).isBetween(0L, HttpDatagram.MAX_QUARTER_STREAM_ID);
            long contextId = BoundPayloads.decodeContextId(in);
            ByteBuffer copy = in.duplicate();
            try {
                UncompressedPayload.decodeAfterContextId(contextId, copy);
            } catch (WireFormatException expected) {
                // fine
            }
            CompressedPayload.decodeAfterContextId(contextId, in);
        } catch (WireFormatException expected) {
            // fine
        }
        try {
            HttpDatagram.decode(input);
        } catch (HttpDatagramException expected) {
            // fine
        }
    }

    // ---- headers ----

    @Provide
    Arbitrary<String> fieldText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withChars("\"[]:.,;=?01 2a*fF%()\\").ofMaxLength(40),
                Arbitraries.of("\"192.0.2.45:54321\", \"[2001:db8::1234]:54321\"", "?1", "?1;a=b",
                        "/.well-known/masque/udp/%2A/%2A/", "/.well-known/masque/udp/2001%3Adb8%3A%3A42/443/")
                        .flatMap(valid -> Arbitraries.integers().between(0, 100_000).list().ofMinSize(1).ofMaxSize(3)
                                .map(m -> Mutations.applyText(valid, m))));
    }

    @Property(tries = 2000)
    void booleanFieldParserNeverThrows(@ForAll("fieldText") String value) {
        BindHeaders.isTrue(value);
        BindHeaders.isTrue(List.of(value, value));
    }

    @Property(tries = 2000)
    void proxyPublicAddressParserOnlyThrowsWireFormatException(@ForAll("fieldText") String value) {
        try {
            List<InetSocketAddress> addresses = ProxyPublicAddress.parse(value);
            assertThat(ProxyPublicAddress.parse(ProxyPublicAddress.format(addresses))).isEqualTo(addresses);
        } catch (WireFormatException expected) {
            // fine
        }
    }

    @Property(tries = 2000)
    void pathTemplateParserOnlyThrowsWireFormatException(@ForAll("fieldText") String value) {
        for (String path : new String[] {value, UdpProxyingPath.PREFIX + value}) {
            try {
                UdpTarget target = UdpProxyingPath.parse(path);
                if (!target.isBindAny()) {
                    assertThat(UdpProxyingPath.parse(UdpProxyingPath.forTarget(target.host(), target.port())))
                            .isEqualTo(target);
                }
            } catch (WireFormatException expected) {
                // fine
            }
        }
    }

    // ---- registry ----

    @Property(tries = 2000)
    void registryFedRandomCapsulesOnlyThrowsDeclaredExceptions(@ForAll @Size(max = 30) List<@From("capsules") Capsule> in,
            @ForAll boolean proxySide) {
        ContextRegistry registry = new ContextRegistry(proxySide ? Role.PROXY : Role.CLIENT, new Limits(4, 8, 16),
                false, t -> t.getPort() != 2);
        for (Capsule capsule : in) {
            try {
                List<Capsule> replies = registry.receive(capsule);
                registry.repliesWritten(replies.size());
            } catch (MalformedCapsuleException | ReplyBacklogExceededException expected) {
                // the stream would be reset here; keep feeding to exercise later states
            }
            assertThat(registry.openContexts()).isLessThanOrEqualTo(4);
            if (!proxySide) {
                registry.registerCompressed(TUPLES[(int) (capsule.type() & 3)]);
            }
        }
    }

    /**
     * Two compliant endpoints, their capsules delivered in order per direction but interleaved at random: neither ever
     * finds the other's capsules malformed, and once everything is delivered both tables agree.
     */
    @Property(tries = 2000)
    void compliantPeersNeverSeeMalformedCapsulesAndConverge(
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 999) Integer> ops) throws Exception {
        Limits limits = new Limits(3, 1000, 10_000);
        ContextRegistry client = new ContextRegistry(Role.CLIENT, limits, false, t -> true);
        ContextRegistry proxy = new ContextRegistry(Role.PROXY, limits, false, t -> t.getPort() != 2);
        Deque<byte[]> toProxy = new ArrayDeque<>();
        Deque<byte[]> toClient = new ArrayDeque<>();
        CapsuleParser proxyParser = new CapsuleParser();
        CapsuleParser clientParser = new CapsuleParser();
        for (int op : ops) {
            int arg = op / 10;
            switch (op % 10) {
                case 0 -> send(client.registerUncompressed(), toProxy);
                case 1 -> send(client.registerCompressed(TUPLES[arg % TUPLES.length]), toProxy);
                case 2 -> client.close(arg % 12 + 1).ifPresent(c -> toProxy.add(c.toBytes()));
                case 3 -> send(proxy.registerCompressed(TUPLES[arg % TUPLES.length]), toClient);
                case 4 -> proxy.close(arg % 12 + 1).ifPresent(c -> toClient.add(c.toBytes()));
                case 5, 6 -> deliver(toProxy, proxyParser, proxy, toClient);
                default -> deliver(toClient, clientParser, client, toProxy);
            }
        }
        while (!toProxy.isEmpty() || !toClient.isEmpty()) {
            deliver(toProxy, proxyParser, proxy, toClient);
            deliver(toClient, clientParser, client, toProxy);
        }
        Statistics.label("open contexts at the end").collect(client.openContexts());
        for (long id = 1; id <= 40; id++) {
            ContextLookup atClient = client.lookup(id);
            ContextLookup atProxy = proxy.lookup(id);
            boolean liveAtClient = atClient.kind() == Kind.COMPRESSED || atClient.kind() == Kind.UNCOMPRESSED;
            boolean liveAtProxy = atProxy.kind() == Kind.COMPRESSED || atProxy.kind() == Kind.UNCOMPRESSED;
            assertThat(liveAtClient).as("context %d live at client vs proxy", id).isEqualTo(liveAtProxy);
            if (liveAtClient) {
                assertThat(atClient).isEqualTo(atProxy);
            }
        }
        for (InetSocketAddress tuple : TUPLES) {
            assertThat(client.contextFor(tuple)).isEqualTo(proxy.contextFor(tuple));
        }
    }

    private static void send(Registration registration, Deque<byte[]> queue) {
        if (registration.isRegistered()) {
            queue.add(registration.assign().toBytes());
        }
    }

    private static void deliver(Deque<byte[]> queue, CapsuleParser parser, ContextRegistry receiver,
                                Deque<byte[]> replies) throws Exception {
        byte[] bytes = queue.poll();
        if (bytes == null) {
            return;
        }
        for (Capsule capsule : parser.feed(ByteBuffer.wrap(bytes))) {
            List<Capsule> out = receiver.receive(capsule);
            if (capsule instanceof CompressionAssign) {
                Statistics.label("replies to an ASSIGN").collect(
                        out.stream().map(c -> c.getClass().getSimpleName()).toList().toString());
            }
            out.forEach(c -> replies.add(c.toBytes()));
            receiver.repliesWritten(out.size());
        }
    }
}
