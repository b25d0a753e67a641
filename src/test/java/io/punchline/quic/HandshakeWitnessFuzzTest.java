package io.punchline.quic;

import static io.punchline.quic.InitialPacketsTest.RFC9001_A3_SERVER_INITIAL;
import static io.punchline.quic.InitialPacketsTest.RFC9001_DCID;
import static org.assertj.core.api.Assertions.assertThat;

import io.punchline.wire.WireFormatException;
import io.punchline.testing.FuzzBudget;
import java.util.Arrays;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** Whatever bytes arrive, the Initial and ServerHello readers answer with a value, empty or a WireFormatException. */
@AddLifecycleHook(FuzzBudget.class)
class HandshakeWitnessFuzzTest {

    private static final InitialKeys SERVER_KEYS = InitialKeys.server(RFC9001_DCID);

    @Property(tries = 2000)
    void randomDatagramsNeverThrow(@ForAll @Size(max = 1500) byte[] datagram, @ForAll @Size(max = 24) byte[] dcid) {
        assertThat(HandshakeGroups.fromServerInitial(dcid, datagram)).isNotNull();
        assertThat(InitialPackets.firstInitialDestinationConnectionId(datagram)).isNotNull();
        openOnlyThrowsWireFormatException(datagram);
    }

    @Property(tries = 2000)
    void randomDatagramsWithAVersion1InitialHeaderNeverThrow(@ForAll("initialLookingDatagrams") byte[] datagram) {
        assertThat(HandshakeGroups.fromServerInitial(RFC9001_DCID, datagram)).isNotNull();
        openOnlyThrowsWireFormatException(datagram);
    }

    @Property(tries = 500)
    void everyTruncationOfTheRfc9001ServerInitialIsEmpty(@ForAll @IntRange(max = 134) int length) {
        byte[] truncated = Arrays.copyOf(RFC9001_A3_SERVER_INITIAL, length);
        assertThat(HandshakeGroups.fromServerInitial(RFC9001_DCID, truncated)).isEmpty();
    }

    @Property(tries = 2000)
    void everyMutationOfTheRfc9001ServerInitialIsEmpty(@ForAll @IntRange(max = 134) int position,
                                                       @ForAll @IntRange(min = 1, max = 255) int flip,
                                                       @ForAll @Size(max = 40) byte[] appended) {
        // every byte is either authenticated header (AAD) or ciphertext and tag, so any change fails AES-GCM
        byte[] mutated = RFC9001_A3_SERVER_INITIAL.clone();
        mutated[position] ^= (byte) flip;
        assertThat(HandshakeGroups.fromServerInitial(RFC9001_DCID, InitialPacketSealer.concat(mutated, appended)))
                .isEmpty();
        // bytes after the packet are another coalesced packet and change nothing
        assertThat(HandshakeGroups.fromServerInitial(RFC9001_DCID,
                InitialPacketSealer.concat(RFC9001_A3_SERVER_INITIAL, appended))).hasValue(TlsGroup.X25519);
    }

    // at least 2 payload bytes beside the 2-byte packet number: RFC 9001 section 5.4.2 needs 4 before the sample
    @Property(tries = 2000)
    void authenticInitialsWithRandomFramesNeverThrow(@ForAll @Size(min = 2, max = 300) byte[] payload) {
        byte[] datagram = InitialPacketSealer.seal(SERVER_KEYS, new byte[0], new byte[8], 0, 2,
                payload);
        assertThat(HandshakeGroups.fromServerInitial(RFC9001_DCID, datagram)).isNotNull();
        openOnlyThrowsWireFormatException(datagram);
    }

    @Property(tries = 2000)
    void authenticInitialsWithDamagedServerHellosNeverThrow(@ForAll @IntRange(max = 1300) int position,
                                                            @ForAll byte value,
                                                            @ForAll @IntRange(min = 0, max = 1300) int cut) {
        byte[] serverHello = TestServerHellos.serverHello(TestServerHellos.randomBytes(position),
                TestServerHellos.supportedVersionsTls13(), TestServerHellos.keyShare(0x11ec, 1120, cut));
        serverHello[position % serverHello.length] = value;
        byte[] data = Arrays.copyOf(serverHello, Math.min(cut, serverHello.length));
        try {
            assertThat(HandshakeGroups.serverHelloGroup(data)).isNotNull();
        } catch (WireFormatException expected) {
            // fine
        }
        byte[] datagram = InitialPacketSealer.seal(SERVER_KEYS, new byte[0], new byte[8], 0, 2,
                InitialPacketSealer.cryptoFrame(0, data));
        Optional<TlsGroup> group = HandshakeGroups.fromServerInitial(RFC9001_DCID, datagram);
        assertThat(group).isNotNull();
    }

    @Property(tries = 2000)
    void randomServerHelloBytesOnlyThrowWireFormatException(@ForAll @Size(max = 200) byte[] data) {
        try {
            HandshakeGroups.serverHelloGroup(data);
        } catch (WireFormatException expected) {
            // fine
        }
        try {
            InitialFrames.parse(data).cryptoStreamPrefix();
        } catch (WireFormatException expected) {
            // fine
        }
    }

    /** A first byte of a long-header Initial, version 1, then random connection ID lengths and bytes. */
    @Provide
    Arbitrary<byte[]> initialLookingDatagrams() {
        Arbitrary<byte[]> header = Combinators.combine(Arbitraries.integers().between(0, 0x3F),
                        Arbitraries.integers().between(0, 21), Arbitraries.integers().between(0, 21))
                .as((low, dcidLength, scidLength) -> {
                    byte[] bytes = new byte[5 + 1 + dcidLength + 1 + scidLength];
                    bytes[0] = (byte) (0xC0 | (low & 0x0F) | ((low & 0x30) == 0x30 ? 0 : low & 0x30));
                    bytes[4] = 1;
                    bytes[5] = dcidLength.byteValue();
                    bytes[6 + dcidLength] = scidLength.byteValue();
                    return bytes;
                });
        Arbitrary<byte[]> rest = Arbitraries.bytes().array(byte[].class).ofMaxSize(1300);
        return Combinators.combine(header, rest).as(InitialPacketSealer::concat);
    }

    private static void openOnlyThrowsWireFormatException(byte[] datagram) {
        try {
            InitialPackets.openServerInitial(RFC9001_DCID, datagram);
        } catch (WireFormatException expected) {
            // fine: anything else fails the property
        }
    }
}
