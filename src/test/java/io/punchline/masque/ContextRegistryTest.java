package io.punchline.masque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.punchline.masque.ContextLookup.Kind;
import io.punchline.masque.ContextRegistry.Limits;
import io.punchline.masque.ContextRegistry.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** draft-ietf-masque-connect-udp-listen-13 context rules (reference sections 1.4 and 1.7), one test per rule. */
class ContextRegistryTest {

    private static final InetSocketAddress PEER_A = address("203.0.113.11", 60000);
    private static final InetSocketAddress PEER_B = address("2001:db8::42", 4433);

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static ContextRegistry client() {
        return new ContextRegistry(Role.CLIENT);
    }

    private static ContextRegistry proxy() {
        return new ContextRegistry(Role.PROXY);
    }

    /** A proxy whose client has registered the uncompressed context 2. */
    private static ContextRegistry proxyWithUncompressed() throws Exception {
        ContextRegistry proxy = proxy();
        assertThat(proxy.receive(CompressionAssign.uncompressed(2))).containsExactly(new CompressionAck(2));
        return proxy;
    }

    // ---- allocation ----

    @Test
    void clientAllocatesEvenNonZeroIdsAndNeverReusesThem() {
        ContextRegistry client = client();
        Registration first = client.registerUncompressed();
        Registration second = client.registerCompressed(PEER_A);
        assertThat(first.assign()).isEqualTo(CompressionAssign.uncompressed(2));
        assertThat(second.contextId()).isEqualTo(4);
        client.close(4);
        assertThat(client.registerCompressed(PEER_A).contextId()).isEqualTo(6);
    }

    @Test
    void proxyAllocatesOddIds() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        assertThat(proxy.registerCompressed(PEER_A).contextId()).isEqualTo(1);
        assertThat(proxy.registerCompressed(PEER_B).contextId()).isEqualTo(3);
    }

    // ---- received ASSIGN ----

    @Test
    void receivedAssignWithWrongParityForThePeerIsMalformed() {
        assertThatThrownBy(() -> proxy().receive(new CompressionAssign(3, PEER_A)))
                .isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> client().receive(new CompressionAssign(4, PEER_A)))
                .isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void assignWithRepeatedContextIdIsMalformed() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        proxy.receive(new CompressionAssign(4, PEER_A));
        assertThatThrownBy(() -> proxy.receive(new CompressionAssign(4, PEER_B)))
                .isInstanceOf(MalformedCapsuleException.class).hasMessageContaining("repeats");
    }

    @Test
    void assignReusingAClosedContextIdIsMalformed() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        proxy.receive(new CompressionAssign(4, PEER_A));
        proxy.receive(new CompressionClose(4));
        assertThatThrownBy(() -> proxy.receive(new CompressionAssign(4, PEER_A)))
                .isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void assignReusingARejectedContextIdIsMalformed() throws Exception {
        ContextRegistry proxy = new ContextRegistry(Role.PROXY, Limits.defaults(), false, t -> false);
        assertThat(proxy.receive(new CompressionAssign(4, PEER_A))).containsExactly(new CompressionClose(4));
        assertThatThrownBy(() -> proxy.receive(new CompressionAssign(4, PEER_B)))
                .isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void clientReceivingAssignWithIpVersion0IsMalformed() {
        assertThatThrownBy(() -> client().receive(CompressionAssign.uncompressed(1)))
                .isInstanceOf(MalformedCapsuleException.class).hasMessageContaining("IP Version 0");
    }

    @Test
    void secondUncompressedAssignWhileOneIsOpenIsMalformedAtTheProxy() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        assertThatThrownBy(() -> proxy.receive(CompressionAssign.uncompressed(4)))
                .isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void uncompressedContextMayBeReopenedUnderANewIdAfterClose() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        proxy.receive(new CompressionClose(2));
        assertThat(proxy.receive(CompressionAssign.uncompressed(4))).containsExactly(new CompressionAck(4));
    }

    @Test
    void proxyOpensCompressedContextsOnlyWhileAnUncompressedOneIsOpen() {
        assertThat(proxy().registerCompressed(PEER_A).isRegistered()).isFalse();
    }

    @Test
    void clientMustNotOpenASecondUncompressedContext() {
        ContextRegistry client = client();
        client.registerUncompressed();
        assertThat(client.registerUncompressed().isRegistered()).isFalse();
    }

    @Test
    void onlyTheClientMayRegisterTheUncompressedContext() {
        assertThatThrownBy(() -> proxy().registerUncompressed()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void assignWhoseTupleMatchesAnIdThePeerOpenedIsMalformed() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        proxy.receive(new CompressionAssign(4, PEER_A));
        assertThatThrownBy(() -> proxy.receive(new CompressionAssign(6, PEER_A)))
                .isInstanceOf(MalformedCapsuleException.class).hasMessageContaining("peer registered");
    }

    @Test
    void endpointMustNotRegisterATupleThatAlreadyHasAnId() throws Exception {
        ContextRegistry client = client();
        client.registerCompressed(PEER_A);
        assertThat(client.registerCompressed(PEER_A).isRegistered()).isFalse();
        ContextRegistry proxy = proxyWithUncompressed();
        proxy.receive(new CompressionAssign(4, PEER_A));
        assertThat(proxy.registerCompressed(PEER_A).refusal()).contains("already has Context ID 4");
    }

    @Test
    void raceAtTheProxyClosesTheProxyOpenedIdAndAcceptsTheClients() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        long proxyId = proxy.registerCompressed(PEER_A).contextId();
        assertThat(proxy.receive(new CompressionAssign(4, PEER_A)))
                .containsExactly(new CompressionClose(proxyId), new CompressionAck(4));
        assertThat(proxy.lookup(proxyId).kind()).isEqualTo(Kind.CLOSED);
        assertThat(proxy.lookup(4)).isEqualTo(ContextLookup.compressed(PEER_A));
        assertThat(proxy.contextFor(PEER_A)).isEqualTo(OptionalLong.of(4));
    }

    @Test
    void raceAtTheClientClosesTheProxyOpenedIdAndKeepsItsOwn() throws Exception {
        ContextRegistry client = client();
        long clientId = client.registerCompressed(PEER_A).contextId();
        assertThat(client.receive(new CompressionAssign(1, PEER_A))).containsExactly(new CompressionClose(1));
        assertThat(client.lookup(1).kind()).isEqualTo(Kind.CLOSED);
        assertThat(client.contextFor(PEER_A)).isEqualTo(OptionalLong.of(clientId));
        // the proxy's own CLOSE for the same ID then changes nothing
        assertThat(client.receive(new CompressionClose(1))).isEmpty();
    }

    @Test
    void registrationOverTheOpenLimitIsRejectedWithClose() throws Exception {
        ContextRegistry proxy = new ContextRegistry(Role.PROXY, new Limits(2, 16, 16), false, t -> true);
        proxy.receive(CompressionAssign.uncompressed(2));
        assertThat(proxy.receive(new CompressionAssign(4, PEER_A))).containsExactly(new CompressionAck(4));
        assertThat(proxy.receive(new CompressionAssign(6, PEER_B))).containsExactly(new CompressionClose(6));
        assertThat(proxy.lookup(6).kind()).isEqualTo(Kind.CLOSED);
        assertThat(proxy.registerCompressed(address("192.0.2.1", 1)).isRegistered()).isFalse();
    }

    @Test
    void disallowedTargetIsRejectedWithClose() throws Exception {
        ContextRegistry proxy = new ContextRegistry(Role.PROXY, Limits.defaults(), false,
                t -> !t.getAddress().isLoopbackAddress());
        proxy.receive(CompressionAssign.uncompressed(2));
        assertThat(proxy.receive(new CompressionAssign(4, address("127.0.0.1", 22))))
                .containsExactly(new CompressionClose(4));
        assertThat(proxy.receive(new CompressionAssign(6, PEER_A))).containsExactly(new CompressionAck(6));
    }

    @Test
    void registrationForAnUnsupportedAddressFamilyIsRejectedWithClose() throws Exception {
        ContextRegistry ipv4Only = new ContextRegistry(Role.PROXY, Limits.defaults(), false,
                t -> t.getAddress() instanceof java.net.Inet4Address);
        ipv4Only.receive(CompressionAssign.uncompressed(2));
        assertThat(ipv4Only.receive(new CompressionAssign(4, PEER_B))).containsExactly(new CompressionClose(4));
    }

    @Test
    void proxyChecksTheTargetOfEveryUncompressedDatagramWithTheSamePolicy() {
        ContextRegistry proxy = new ContextRegistry(Role.PROXY, Limits.defaults(), false,
                t -> !t.getAddress().isLoopbackAddress());
        assertThat(proxy.allows(address("127.0.0.1", 53))).isFalse();
        assertThat(proxy.allows(PEER_A)).isTrue();
    }

    @Test
    void proxyMustNotOpenCompressedContextsOnceTheUncompressedOneIsClosed() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        long early = proxy.registerCompressed(PEER_A).contextId();
        proxy.receive(new CompressionClose(2));
        assertThat(proxy.registerCompressed(PEER_B).isRegistered()).isFalse();
        assertThat(proxy.lookup(early)).isEqualTo(ContextLookup.compressed(PEER_A)); // earlier ones stay valid
    }

    // ---- ACK ----

    @Test
    void ackForAnIdThisSideNeverRegisteredIsMalformed() throws Exception {
        ContextRegistry client = client();
        assertThatThrownBy(() -> client.receive(new CompressionAck(2))).isInstanceOf(MalformedCapsuleException.class);
        assertThatThrownBy(() -> client.receive(new CompressionAck(1))).isInstanceOf(MalformedCapsuleException.class);
        ContextRegistry proxy = proxyWithUncompressed();
        // ID 2 is the client's: the proxy acknowledged it, it never registered it
        assertThatThrownBy(() -> proxy.receive(new CompressionAck(2))).isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void ackMarksTheRegistrationAcknowledged() throws Exception {
        ContextRegistry client = client();
        long id = client.registerUncompressed().contextId();
        assertThat(client.isAcknowledged(id)).isFalse();
        assertThat(client.receive(new CompressionAck(id))).isEmpty();
        assertThat(client.isAcknowledged(id)).isTrue();
    }

    @Test
    void ackForAnIdClosedMeanwhileIsIgnored() throws Exception {
        ContextRegistry client = client();
        long id = client.registerCompressed(PEER_A).contextId();
        client.close(id);
        assertThat(client.receive(new CompressionAck(id))).isEmpty();
        assertThat(client.lookup(id).kind()).isEqualTo(Kind.CLOSED);
    }

    // ---- CLOSE ----

    @Test
    void closeWithContextId0IsMalformed() {
        // the capsule decoder refuses it; a registry never sees one
        assertThatThrownBy(() -> CapsuleTest.parseOne("13 01 00")).isInstanceOf(MalformedCapsuleException.class);
    }

    @Test
    void afterCloseReceivedNoDatagramsOnThatId() throws Exception {
        ContextRegistry client = client();
        long id = client.registerCompressed(PEER_A).contextId();
        client.receive(new CompressionClose(id));
        assertThat(client.lookup(id).kind()).isEqualTo(Kind.CLOSED);
        assertThat(client.contextFor(PEER_A)).isEmpty();
    }

    @Test
    void afterCloseSentNoDatagramsOnThatId() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        proxy.receive(new CompressionAssign(4, PEER_A));
        assertThat(proxy.close(4)).contains(new CompressionClose(4));
        assertThat(proxy.lookup(4).kind()).isEqualTo(Kind.CLOSED);
        assertThat(proxy.contextFor(PEER_A)).isEqualTo(OptionalLong.of(2)); // falls back to uncompressed
        assertThat(proxy.close(4)).isEmpty();
    }

    @Test
    void eitherEndpointMayCloseAnyId() throws Exception {
        ContextRegistry client = client();
        client.registerUncompressed();
        ContextRegistry proxy = proxyWithUncompressed();
        long proxyId = proxy.registerCompressed(PEER_A).contextId();
        assertThat(client.receive(new CompressionAssign(proxyId, PEER_A))).containsExactly(new CompressionAck(proxyId));
        assertThat(client.close(proxyId)).isPresent();
        assertThat(proxy.receive(new CompressionClose(proxyId))).isEmpty();
        assertThat(proxy.lookup(proxyId).kind()).isEqualTo(Kind.CLOSED);
    }

    // ---- datagram lookups ----

    @Test
    void datagramLookupDistinguishesUnknownClosedUncompressedAndCompressed() throws Exception {
        ContextRegistry proxy = proxyWithUncompressed();
        proxy.receive(new CompressionAssign(4, PEER_A));
        proxy.receive(new CompressionAssign(6, PEER_B));
        proxy.receive(new CompressionClose(6));
        assertThat(proxy.lookup(2)).isEqualTo(ContextLookup.UNCOMPRESSED);
        assertThat(proxy.lookup(4)).isEqualTo(ContextLookup.compressed(PEER_A));
        assertThat(proxy.lookup(6)).isEqualTo(ContextLookup.CLOSED);
        assertThat(proxy.lookup(8)).isEqualTo(ContextLookup.UNKNOWN);
        assertThat(proxy.lookup(1)).isEqualTo(ContextLookup.UNKNOWN); // proxy's own, never allocated
    }

    @Test
    void contextId0DatagramWhenBothVariablesAreStarMustAbortTheStream() {
        assertThat(proxy().lookup(0).kind()).isEqualTo(Kind.ABORT_STREAM);
        ContextRegistry mixed = new ContextRegistry(Role.PROXY, Limits.defaults(), true, t -> true);
        assertThat(mixed.lookup(0).kind()).isEqualTo(Kind.URI_TARGET);
    }

    @Test
    void outboundUsesTheCompressedIdElseTheUncompressedIdElseNone() throws Exception {
        ContextRegistry client = client();
        assertThat(client.contextFor(PEER_A)).isEmpty();
        long uncompressed = client.registerUncompressed().contextId();
        assertThat(client.contextFor(PEER_A)).isEqualTo(OptionalLong.of(uncompressed));
        long compressed = client.registerCompressed(PEER_A).contextId(); // optimistic: before its ACK
        assertThat(client.contextFor(PEER_A)).isEqualTo(OptionalLong.of(compressed));
        assertThat(client.contextFor(PEER_B)).isEqualTo(OptionalLong.of(uncompressed));
    }

    // ---- reply backlog ----

    @Test
    void bufferedRepliesAreCappedAndReachingTheCapAbortsTheStream() throws Exception {
        ContextRegistry proxy = new ContextRegistry(Role.PROXY, new Limits(16, 2, 16), false, t -> true);
        proxy.receive(CompressionAssign.uncompressed(2));
        proxy.receive(new CompressionAssign(4, PEER_A));
        assertThat(proxy.pendingReplies()).isEqualTo(2);
        assertThatThrownBy(() -> proxy.receive(new CompressionAssign(6, PEER_B)))
                .isInstanceOf(ReplyBacklogExceededException.class);
        proxy.repliesWritten(2);
        assertThat(proxy.receive(new CompressionAssign(6, PEER_B))).containsExactly(new CompressionAck(6));
    }

    @Test
    void reportingMoreRepliesWrittenThanPendingIsAnError() {
        assertThatThrownBy(() -> proxy().repliesWritten(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rememberedClosedIdsAreBounded() throws Exception {
        ContextRegistry proxy = new ContextRegistry(Role.PROXY, new Limits(16, 1000, 3), false, t -> true);
        for (long id = 2; id <= 10; id += 2) {
            proxy.receive(CompressionAssign.uncompressed(id));
            proxy.receive(new CompressionClose(id));
        }
        assertThat(proxy.lookup(10).kind()).isEqualTo(Kind.CLOSED);
        assertThat(proxy.lookup(2).kind()).isEqualTo(Kind.UNKNOWN);
    }
}
