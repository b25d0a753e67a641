package io.punchline.crypto;

import io.punchline.testing.FuzzBudget;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Handshake parsers and both handshake sides see random and mutated input: only HandshakeException comes out. */
@AddLifecycleHook(FuzzBudget.class)
class HandshakeFuzzTest {

    static HandshakeFixture.Run session;

    @BeforeContainer
    static void recordSession() throws Exception {
        session = HandshakeFixture.run("fuzz dialler", "fuzz listener");
    }

    @Property(tries = 2000)
    void framingAndDecodersThrowOnlyHandshakeException(@ForAll @Size(max = 5000) byte[] bytes) {
        try {
            HandshakeFraming.Frame frame = HandshakeFraming.read(new ByteArrayInputStream(bytes));
            switch (frame.type()) {
                case HandshakeMessage.TYPE_DIALLER_HELLO -> DiallerHello.decode(frame.body());
                case HandshakeMessage.TYPE_LISTENER_HELLO -> ListenerHello.decode(frame.body());
                case HandshakeMessage.TYPE_PROOF -> HandshakeProof.decode(frame.body());
                default -> HandshakeAbort.decode(frame.body());
            }
        } catch (HandshakeException expected) {
            // declared
        } catch (java.io.IOException e) {
            throw new AssertionError("undeclared IOException", e);
        }
    }

    @Property(tries = 500)
    void aListenerFedRandomBytesFails(@ForAll @Size(max = 8000) byte[] bytes) {
        assertThatThrownBy(() -> HandshakeFixture.listenReplaying(bytes, "fuzz listener"))
                .isInstanceOf(HandshakeException.class);
    }

    @Property(tries = 500)
    void aDiallerFedRandomBytesFails(@ForAll @Size(max = 8000) byte[] bytes) {
        assertThatThrownBy(() -> HandshakeFixture.dialReplaying(bytes, "fuzz dialler"))
                .isInstanceOf(HandshakeException.class);
    }

    @Property(tries = 150)
    void anyAlteredDiallerByteFailsTheListener(@ForAll @IntRange(min = 0, max = 6516) int index,
                                               @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] bytes = session.diallerBytes();
        assertThat(bytes).hasSize(6517);
        bytes[index] ^= (byte) xor;
        assertThatThrownBy(() -> HandshakeFixture.listenReplaying(bytes, "fuzz listener"))
                .isInstanceOf(HandshakeException.class);
    }

    @Property(tries = 150)
    void anyAlteredListenerByteFailsTheDialler(@ForAll @IntRange(min = 0, max = 6420) int index,
                                               @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] bytes = session.listenerBytes();
        assertThat(bytes).hasSize(6421);
        bytes[index] ^= (byte) xor;
        assertThatThrownBy(() -> HandshakeFixture.dialReplaying(bytes, "fuzz dialler"))
                .isInstanceOf(HandshakeException.class);
    }

    @Property(tries = 100)
    void anyCutOfTheListenerBytesIsTruncation(@ForAll @IntRange(min = 0, max = 6420) int cut) {
        byte[] bytes = Arrays.copyOf(session.listenerBytes(), cut);
        assertThatThrownBy(() -> HandshakeFixture.dialReplaying(bytes, "fuzz dialler"))
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(HandshakeException.Reason.TRUNCATED));
    }
}
