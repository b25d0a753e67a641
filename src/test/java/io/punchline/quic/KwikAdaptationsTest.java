package io.punchline.quic;

import org.junit.jupiter.api.Test;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.frame.DatagramFrame;
import tech.kwik.core.frame.PingFrame;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.send.FixedFrameSendRequest;
import tech.kwik.core.send.SendRequest;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kwik 0.10.8 adaptations reach kwik's internals by reflection; these tests fail when a kwik upgrade moves them,
 * instead of the adaptations silently switching themselves off.
 */
class KwikAdaptationsTest {

    @Test
    void theCongestionControllerAndTheInOrderQueueInstallOnARealKwikConnection() throws Exception {
        QuicClientConnection connection = QuicClientConnection.newBuilder()
                .uri(URI.create("https://127.0.0.1:9"))
                .applicationProtocol("h3")
                .logger(new NullLogger())
                .build();
        try {
            assertThat(CongestionControllerSwap.apply(connection)).isTrue();
            assertThat(KwikInternals.sender(connection).getCongestionController())
                    .isInstanceOf(FullWindowCongestionController.class);
            assertThat(InOrderSendQueue.apply(connection)).isTrue();
            assertThat(InOrderSendQueue.apply(connection)).as("applying twice is harmless").isTrue();
        } finally {
            connection.close();
        }
    }

    @Test
    void theInOrderQueueOffersOnlyItsHeadSoNothingOvertakesIt() {
        InOrderSendQueue queue = new InOrderSendQueue();
        SendRequest big = new FixedFrameSendRequest(new DatagramFrame(new byte[1209]), f -> { });
        SendRequest small = new FixedFrameSendRequest(new PingFrame(), f -> { });
        queue.addLast(big);
        queue.addLast(small);
        List<SendRequest> offered = new ArrayList<>();
        for (Iterator<SendRequest> it = queue.iterator(); it.hasNext(); ) {
            offered.add(it.next());
        }
        assertThat(offered).containsExactly(big);
        Iterator<SendRequest> it = queue.iterator();
        it.next();
        it.remove();
        assertThat(queue).containsExactly(small);
    }
}
