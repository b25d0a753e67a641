package io.punchline.crypto;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeRehearsalTest {

    @Test
    void bothSidesOfTheRehearsalAgreeOnTheTranscriptAndEachOthersPeerId() throws Exception {
        assertThat(HandshakeRehearsal.run()).isTrue();
    }
}
