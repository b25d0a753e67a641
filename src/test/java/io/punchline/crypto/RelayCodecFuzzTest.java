package io.punchline.crypto;

import io.punchline.testing.FuzzBudget;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.nio.ByteBuffer;

/** The relay-auth decoders see random bytes: only HandshakeException comes out. */
@AddLifecycleHook(FuzzBudget.class)
class RelayCodecFuzzTest {

    @Property(tries = 300)
    void decodersThrowOnlyHandshakeException(@ForAll byte[] bytes) {
        for (int kind = 0; kind < 3; kind++) {
            try {
                ByteBuffer in = ByteBuffer.wrap(bytes);
                switch (kind) {
                    case 0 -> RelayChallenge.decode(in);
                    case 1 -> RelayAuthProof.decode(in);
                    default -> RelayAuthAccept.decode(in);
                }
            } catch (HandshakeException expected) {
                // the only declared failure
            }
        }
    }
}
