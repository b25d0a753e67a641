package io.punchline.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The data path rehearsal moves every byte it was asked to through a real loopback peer session, and gives way. */
@Timeout(60)
class DataPathRehearsalTest {

    @Test
    void everyByteReachesTheReaderThroughTheSecureStream() throws Exception {
        assertThat(DataPathRehearsal.run(3_000_001)).isEqualTo(3_000_001);
    }

    @Test
    void itStopsWritingOnceARealSessionWantsTheMachine() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        long moved = DataPathRehearsal.run(100_000_000, () -> writes.incrementAndGet() > 10);
        assertThat(moved).isEqualTo(10L * 64 * 1024);
    }
}
