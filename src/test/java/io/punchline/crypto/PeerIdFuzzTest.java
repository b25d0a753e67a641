package io.punchline.crypto;

import io.punchline.testing.FuzzBudget;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import static org.assertj.core.api.Assertions.assertThat;

/** Fingerprint encoding round-trips for every PeerId; the parser fails only with IllegalArgumentException. */
@AddLifecycleHook(FuzzBudget.class)
class PeerIdFuzzTest {

    @Property
    void fingerprintRoundTrips(@ForAll @Size(32) byte[] bytes) {
        PeerId id = new PeerId(bytes);
        assertThat(PeerId.parse(id.fingerprint())).isEqualTo(id);
    }

    @Property
    void parserThrowsOnlyIllegalArgument(@ForAll String text) {
        try {
            PeerId.parse(text);
        } catch (IllegalArgumentException expected) {
            // the only declared failure
        }
    }
}
