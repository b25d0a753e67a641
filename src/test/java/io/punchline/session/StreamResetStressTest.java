package io.punchline.session;

import io.punchline.engine.Engine;
import io.punchline.testing.LoopbackRelay;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer at full speed whose peer aborts the stream, many times over (full tier): once in about 150 tries the
 * peer's STOP_SENDING arrived while the connection's send window was full, Netty's write queue was empty and the next
 * write was queued, never tried again, and the writer waited for good ({@link StreamBridge#exceptionCaught}: the
 * peer's reset now fails the writes). Before that fix this hung at the 136th of 200 tries; after it, 500 in a row ran.
 */
@Tag("stress")
class StreamResetStressTest {

    @RegisterExtension
    final LoopbackRelay relay = new LoopbackRelay();

    @RepeatedTest(200)
    @Timeout(30)
    void aWriterWhosePeerAbortsTheStreamAlwaysFails() throws Exception {
        try (Engine a = relay.relayedEngine(); Engine b = relay.relayedEngine()) {
            b.onSession(session -> session.onStream(SecureStream::abort));
            PeerSession dialled = a.dial(b.contact());
            byte[] block = new byte[64 * 1024];
            IOException failure = null;
            try (SecureStream stream = dialled.openStream()) {
                for (int i = 0; i < 10_000; i++) {
                    stream.output().write(block);
                }
            } catch (IOException e) {
                failure = e;
            }
            assertThat(failure).as("the write fails once the peer aborted the stream").isNotNull();
        }
    }
}
