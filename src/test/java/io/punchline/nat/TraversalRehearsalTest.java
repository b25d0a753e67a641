package io.punchline.nat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up traversal goes direct on both sides: it runs every step a real one runs. */
class TraversalRehearsalTest {

    @Test
    void theRehearsalTakesBothSidesToTheDirectPath() {
        assertThat(TraversalRehearsal.run()).isTrue();
    }
}
