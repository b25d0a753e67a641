package io.punchline.wire;

import io.punchline.testing.FuzzBudget;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** Random input never makes a wire decoder throw anything but {@link WireFormatException}. */
@AddLifecycleHook(FuzzBudget.class)
class WireFuzzTest {

    @Property(tries = 2000)
    void varintRoundTripsEveryValue(@ForAll @LongRange(min = 0, max = QuicVarint.MAX_VALUE) long value) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(8);
        QuicVarint.encode(value, out);
        assertThat(out.position()).isEqualTo(QuicVarint.encodedLength(value));
        assertThat(QuicVarint.decode(out.flip())).isEqualTo(value);
    }

    @Property(tries = 2000)
    void varintDecoderOnlyThrowsWireFormatException(@ForAll @Size(max = 12) byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input);
        try {
            long value = QuicVarint.decode(in);
            assertThat(value).isBetween(0L, QuicVarint.MAX_VALUE);
            assertThat(in.position()).isEqualTo(QuicVarint.lengthOf(input[0]));
        } catch (WireFormatException expected) {
            assertThat(in.position()).isZero();
        }
    }

    @Property(tries = 2000)
    void addressDecoderOnlyThrowsWireFormatException(@ForAll @Size(max = 24) byte[] input) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(input);
        InetSocketAddress decoded;
        try {
            decoded = IpAddressCodec.readVersioned(in);
        } catch (WireFormatException expected) {
            return;
        }
        ByteBuffer out = ByteBuffer.allocate(IpAddressCodec.versionedLength(decoded));
        IpAddressCodec.writeVersioned(decoded, out);
        assertThat(out.array()).isEqualTo(java.util.Arrays.copyOf(input, in.position()));
    }

    @Property(tries = 2000)
    void ipLiteralParserOnlyThrowsWireFormatException(@ForAll @Size(max = 50) String text) {
        try {
            IpLiteral.parse(text);
        } catch (WireFormatException expected) {
            // fine
        }
    }

    @Property(tries = 2000)
    void ipLiteralParserOnHexColonDotAlphabetAgreesWithTheJdk(
            @ForAll @Size(max = 40) @net.jqwik.api.constraints.CharRange(from = '0', to = ':') String text) {
        String mixed = text.replace('9', '.').replace('8', 'f');
        boolean ours = IpLiteral.isLiteral(mixed);
        if (ours) {
            // every literal we accept, the JDK parses (no DNS: it is a literal) to the same address
            try {
                byte[] jdk = java.net.InetAddress.getByName(mixed).getAddress();
                byte[] mine = IpLiteral.parse(mixed).getAddress();
                assertThat(java.util.Arrays.copyOfRange(mine, mine.length - jdk.length, mine.length)).isEqualTo(jdk);
            } catch (Exception e) {
                throw new AssertionError(mixed, e);
            }
        }
    }
}
