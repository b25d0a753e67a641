package io.punchline.nat;

import static io.punchline.nat.Addresses.address;
import static io.punchline.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control stream: framing by the messages themselves, chunking, end of stream, message direction. */
class TraversalCodecTest {

    /** What a server sends a client. */
    private static final List<TraversalMessage> TO_CLIENT = List.of(NatTraversalParameter.fromServer(3),
            new AddAddress(0, address("192.0.2.1", 4433)), new ObservedAddress(1, address("198.51.100.9", 61000)),
            new AddAddress(1, address("2001:db8::1", 4433)), new RemoveAddress(0),
            new AddAddress(1L << 40, address("10.0.0.2", 4433)), new ObservedAddress(2, address("2001:db8::9", 1)));

    /** What a client sends a server. */
    private static final List<TraversalMessage> TO_SERVER = List.of(NatTraversalParameter.fromClient(),
            new PunchMeNow(1, 0, address("198.51.100.9", 61000)), new PunchMeNow(1, 1, address("2001:db8::9", 1)),
            new ObservedAddress(7, address("192.0.2.1", 4433)), new PunchMeNow(2, 1L << 40, address("10.0.0.3", 5)));

    private static byte[] stream(List<TraversalMessage> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        messages.forEach(m -> out.writeBytes(TraversalCodec.encode(m)));
        return out.toByteArray();
    }

    @Test
    void streamSplitAtEveryPairOfByteOffsetsGivesTheSameMessages() throws Exception {
        byte[] all = stream(TO_CLIENT);
        for (int first = 0; first <= all.length; first++) {
            for (int second = first; second <= all.length; second++) {
                TraversalCodec decoder = new TraversalCodec(TraversalRole.CLIENT);
                List<TraversalMessage> got = new ArrayList<>();
                decoder.feed(ByteBuffer.wrap(all, 0, first), got::add);
                decoder.feed(ByteBuffer.wrap(all, first, second - first), got::add);
                decoder.feed(ByteBuffer.wrap(all, second, all.length - second), got::add);
                decoder.finish();
                assertThat(got).as("split at %d and %d", first, second).isEqualTo(TO_CLIENT);
            }
        }
    }

    @Test
    void streamFedOneByteAtATimeGivesTheSameMessages() throws Exception {
        TraversalCodec decoder = new TraversalCodec(TraversalRole.SERVER);
        List<TraversalMessage> got = new ArrayList<>();
        for (byte b : stream(TO_SERVER)) {
            decoder.feed(ByteBuffer.wrap(new byte[] {b}), got::add);
        }
        decoder.finish();
        assertThat(got).isEqualTo(TO_SERVER);
    }

    @Test
    void oneLargeChunkGivesAllMessages() throws Exception {
        assertThat(new TraversalCodec(TraversalRole.SERVER).feed(ByteBuffer.wrap(stream(TO_SERVER))))
                .isEqualTo(TO_SERVER);
    }

    @Test
    void streamEndingInsideAMessageIsAFrameEncodingError() throws Exception {
        byte[] all = stream(TO_CLIENT);
        TraversalCodec decoder = new TraversalCodec(TraversalRole.CLIENT);
        decoder.feed(ByteBuffer.wrap(all, 0, all.length - 1));
        assertThatThrownBy(decoder::finish).isInstanceOf(TraversalProtocolException.class)
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.FRAME_ENCODING_ERROR);
    }

    @Test
    void unknownTypeCannotBeSkippedAndFailsTheStream() throws Exception {
        TraversalCodec decoder = new TraversalCodec(TraversalRole.CLIENT);
        List<TraversalMessage> got = new ArrayList<>();
        // the parameter, a valid REMOVE_ADDRESS, then type 0x3d7e95 which the draft does not define
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(bytes("fd7e9f0bca12fea6 01 02 803d7e94 05 803d7e95 05")),
                got::add)).isInstanceOf(TraversalProtocolException.class).hasMessageContaining("0x3d7e95");
        assertThat(got).containsExactly(NatTraversalParameter.fromServer(2), new RemoveAddress(5));
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(bytes("803d7e94 05"))))
                .isInstanceOf(TraversalProtocolException.class).hasMessageContaining("already failed");
        assertThatThrownBy(decoder::finish).isInstanceOf(TraversalProtocolException.class);
    }

    @Test
    void serverReceivingAddAddressIsAProtocolViolation() {
        assertViolation(TraversalRole.SERVER, new AddAddress(0, address("192.0.2.1", 1)));
    }

    @Test
    void serverReceivingRemoveAddressIsAProtocolViolation() {
        assertViolation(TraversalRole.SERVER, new RemoveAddress(0));
    }

    @Test
    void clientReceivingPunchMeNowIsAProtocolViolation() {
        assertViolation(TraversalRole.CLIENT, new PunchMeNow(1, 0, address("192.0.2.1", 1)));
    }

    @Test
    void controlStreamMustOpenWithTheNatTraversalParameter() {
        TraversalCodec decoder = new TraversalCodec(TraversalRole.CLIENT);
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(new RemoveAddress(0).toBytes())))
                .isInstanceOf(TraversalProtocolException.class)
                .hasMessageContaining("before the nat_traversal parameter")
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.PROTOCOL_VIOLATION);
    }

    @Test
    void secondNatTraversalParameterIsAProtocolViolation() {
        TraversalCodec decoder = new TraversalCodec(TraversalRole.SERVER);
        byte[] twice = stream(List.of(NatTraversalParameter.fromClient(), NatTraversalParameter.fromClient()));
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(twice)))
                .isInstanceOf(TraversalProtocolException.class).hasMessageContaining("second");
    }

    @Test
    void clientParameterWithAValueIsATransportParameterError() {
        assertThatThrownBy(() -> new TraversalCodec(TraversalRole.SERVER)
                .feed(ByteBuffer.wrap(NatTraversalParameter.fromServer(4).toBytes())))
                .isInstanceOf(TraversalProtocolException.class)
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.TRANSPORT_PARAMETER_ERROR);
    }

    @Test
    void serverParameterWithoutAValueIsATransportParameterError() {
        assertThatThrownBy(() -> new TraversalCodec(TraversalRole.CLIENT)
                .feed(ByteBuffer.wrap(NatTraversalParameter.fromClient().toBytes())))
                .isInstanceOf(TraversalProtocolException.class)
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.TRANSPORT_PARAMETER_ERROR);
    }

    @Test
    void observedAddressMayGoEitherWay() throws Exception {
        ObservedAddress observed = new ObservedAddress(0, address("192.0.2.1", 1));
        TraversalRole.CLIENT.requireReceivable(observed);
        TraversalRole.SERVER.requireReceivable(observed);
        assertThat(TraversalRole.CLIENT.maySend(observed)).isTrue();
        assertThat(TraversalRole.SERVER.maySend(observed)).isTrue();
    }

    @Test
    void sendingRulesMirrorTheReceivingRules() {
        assertThat(TraversalRole.SERVER.maySend(new AddAddress(0, address("192.0.2.1", 1)))).isTrue();
        assertThat(TraversalRole.CLIENT.maySend(new AddAddress(0, address("192.0.2.1", 1)))).isFalse();
        assertThat(TraversalRole.CLIENT.maySend(new PunchMeNow(1, 0, address("192.0.2.1", 1)))).isTrue();
        assertThat(TraversalRole.SERVER.maySend(new RemoveAddress(1))).isTrue();
        assertThat(TraversalRole.CLIENT.maySend(new RemoveAddress(1))).isFalse();
    }

    private static void assertViolation(TraversalRole receiver, TraversalMessage message) {
        assertThatThrownBy(() -> receiver.requireReceivable(message))
                .isInstanceOf(TraversalProtocolException.class)
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.PROTOCOL_VIOLATION);
        TraversalCodec decoder = new TraversalCodec(receiver);
        TraversalMessage opening = receiver == TraversalRole.CLIENT ? NatTraversalParameter.fromServer(1)
                : NatTraversalParameter.fromClient();
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(stream(List.of(opening, message)))))
                .isInstanceOf(TraversalProtocolException.class)
                .hasMessageContaining(message.name())
                .extracting(e -> ((TraversalProtocolException) e).errorCode())
                .isEqualTo(TraversalProtocolException.PROTOCOL_VIOLATION);
    }
}
