package io.punchline.masque;

import static io.punchline.masque.ContextRegistryTest.address;
import static io.punchline.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.punchline.masque.ContextLookup.Kind;
import io.punchline.masque.ContextRegistry.Role;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The example flow of draft-ietf-masque-connect-udp-listen-13's appendix, byte for byte where bytes are given. */
class ReferenceFlowTest {

    private static final InetSocketAddress TARGET = address("203.0.113.11", 60000);
    private static final InetSocketAddress OTHER_PEER = address("192.0.2.42", 50000);

    private static List<Capsule> overTheWire(Capsule capsule) throws Exception {
        return new CapsuleParser().feed(ByteBuffer.wrap(capsule.toBytes()));
    }

    @Test
    void bindRegisterCompressAndRestrict() throws Exception {
        // 1-2: request and response fields
        assertThat(UdpProxyingPath.parse(UdpProxyingPath.bindAny()).isBindAny()).isTrue();
        assertThat(ProxyPublicAddress.parse("\"192.0.2.45:54321\", \"[2001:db8::1234]:54321\"")).hasSize(2);
        ContextRegistry client = new ContextRegistry(Role.CLIENT);
        ContextRegistry proxy = new ContextRegistry(Role.PROXY);

        // 3: client ASSIGN(2, uncompressed) -> proxy ACK(2)
        Registration uncompressed = client.registerUncompressed();
        assertThat(uncompressed.assign().toBytes()).isEqualTo(bytes("11 02 02 00"));
        List<Capsule> ack = proxy.receive(overTheWire(uncompressed.assign()).get(0));
        assertThat(ack).containsExactly(new CompressionAck(2));
        assertThat(ack.get(0).toBytes()).isEqualTo(bytes("12 01 02"));
        client.receive(overTheWire(ack.get(0)).get(0));

        // 4: packets from any peer travel on ID 2 with their source address
        assertThat(proxy.contextFor(OTHER_PEER)).isEqualTo(OptionalLong.of(2));
        assertThat(client.lookup(2).kind()).isEqualTo(Kind.UNCOMPRESSED);

        // 5: client ASSIGN(4, 203.0.113.11:60000) -> ACK(4); both then use ID 4 with bare payloads
        Registration compressed = client.registerCompressed(TARGET);
        assertThat(compressed.assign().toBytes()).isEqualTo(bytes("11 08 04 04 cb 00 71 0b ea 60"));
        client.receive(proxy.receive(overTheWire(compressed.assign()).get(0)).get(0));
        assertThat(proxy.contextFor(TARGET)).isEqualTo(OptionalLong.of(4));
        assertThat(client.contextFor(TARGET)).isEqualTo(OptionalLong.of(4));

        // 6: client CLOSE(2): the proxy now relays only 203.0.113.11:60000
        CompressionClose close = client.close(2).orElseThrow();
        assertThat(close.toBytes()).isEqualTo(bytes("13 01 02"));
        assertThat(proxy.receive(overTheWire(close).get(0))).isEmpty();
        assertThat(proxy.contextFor(OTHER_PEER)).isEmpty();
        assertThat(proxy.contextFor(TARGET)).isEqualTo(OptionalLong.of(4));
        assertThat(proxy.lookup(2).kind()).isEqualTo(Kind.CLOSED);
    }
}
