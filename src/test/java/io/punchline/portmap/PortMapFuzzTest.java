package io.punchline.portmap;

import io.punchline.testing.FuzzBudget;
import io.punchline.testing.Mutations;
import io.punchline.wire.WireFormatException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.punchline.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile LAN answer never makes a port-mapping decoder throw anything but {@link WireFormatException}: random bytes
 * and mutations of the recorded answers of the codec tests, for PCP, NAT-PMP, SSDP, the device description and SOAP.
 */
@AddLifecycleHook(FuzzBudget.class)
class PortMapFuzzTest {

    static final URI LOCATION = URI.create("http://192.168.1.1:5000/rootDesc.xml");
    static final byte[] PCP = bytes(PcpCodecTest.answer("00", "00001c20", "ea60", "00000000000000000000ffffc6336407")
            + "01000010" + "00000000000000000000ffffc0a80103");
    static final byte[] NAT_PMP_MAP = bytes("0081 0000 000004d2 1151 ea60 00001c20");
    static final byte[] NAT_PMP_ADDRESS = bytes("0080 0000 000004d2 c6336407");
    static final byte[] SSDP = ("HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
            + "LOCATION: http://192.168.1.1:5000/rootDesc.xml\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    static final byte[] DESCRIPTION = UpnpMessagesTest.ROOT_DESC.strip().getBytes(StandardCharsets.UTF_8);
    static final byte[] FAULT = UpnpMessagesTest.ENVELOPE.formatted("<s:Fault><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">"
            + "<errorCode>718</errorCode><errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail></s:Fault>")
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] ADDRESS = UpnpMessagesTest.ENVELOPE.formatted("<u:GetExternalIPAddressResponse xmlns:u=\"x\">"
            + "<NewExternalIPAddress>198.51.100.7</NewExternalIPAddress></u:GetExternalIPAddressResponse>")
            .getBytes(StandardCharsets.UTF_8);

    /** Runs every decoder on {@code input}; any other exception fails the property. */
    private static void decodeAll(byte[] input) {
        List<Decoder> decoders = List.of(
                in -> PcpCodec.decode(ByteBuffer.wrap(in)),
                in -> NatPmpCodec.decodeMapResponse(ByteBuffer.wrap(in)),
                in -> NatPmpCodec.decodeAddressResponse(ByteBuffer.wrap(in)),
                in -> NatPmpCodec.isUnsupportedVersion(ByteBuffer.wrap(in)),
                in -> SsdpSearch.location(in, 0, in.length),
                in -> IgdDescription.service(in, LOCATION),
                in -> IgdAnswer.parse(in, "GetExternalIPAddress"));
        for (Decoder decoder : decoders) {
            try {
                decoder.decode(input);
            } catch (WireFormatException expected) {
                assertThat(expected.getMessage()).isNotNull();
            }
        }
    }

    private interface Decoder {
        Object decode(byte[] input) throws WireFormatException;
    }

    @Property(tries = 2000)
    void randomBytesOnlyThrowWireFormatException(@ForAll @Size(max = 200) byte[] input) {
        decodeAll(input);
    }

    @Property(tries = 2000)
    void mutatedBinaryAnswersOnlyThrowWireFormatException(@ForAll @IntRange(min = 0, max = 2) int which,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 100_000) Integer> mutations) {
        byte[] original = List.of(PCP, NAT_PMP_MAP, NAT_PMP_ADDRESS).get(which);
        decodeAll(Mutations.apply(original, mutations));
    }

    @Property(tries = 500)
    void mutatedTextAnswersOnlyThrowWireFormatException(@ForAll @IntRange(min = 0, max = 3) int which,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 1_000_000) Integer> mutations) {
        byte[] original = List.of(SSDP, DESCRIPTION, FAULT, ADDRESS).get(which);
        decodeAll(Mutations.apply(original, mutations));
    }

    @Property(tries = 500)
    void aPcpAnswerIsNeverBelievedForAnotherNonce(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 100_000) Integer> mutations)
            throws Exception {
        PcpMapRequest request = new PcpMapRequest(7200, InetAddress.getByName("192.168.1.2"), PcpCodecTest.NONCE,
                17, 4433, 4433, InetAddress.getByName("0.0.0.0"));
        byte[] mutated = Mutations.apply(PCP, mutations);
        try {
            PcpMapResponse response = PcpCodec.decode(ByteBuffer.wrap(mutated));
            if (response.answers(request)) {
                assertThat(ByteBuffer.wrap(mutated, 24, 12)).isEqualTo(ByteBuffer.wrap(PCP, 24, 12));
            }
        } catch (WireFormatException expected) {
            // refused
        }
    }
}
