package io.punchline.quic;

import org.junit.jupiter.api.Test;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.common.PnSpace;
import tech.kwik.core.frame.AckFrame;
import tech.kwik.core.frame.DatagramFrame;
import tech.kwik.core.frame.PingFrame;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.recovery.LossDetector;
import tech.kwik.core.recovery.RecoveryManager;
import tech.kwik.core.recovery.RttEstimator;
import tech.kwik.core.send.FixedFrameSendRequest;
import tech.kwik.core.send.SendRequest;
import tech.kwik.core.send.SenderImpl;

import java.net.URI;
import java.time.Instant;
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
        QuicClientConnection connection = unconnected();
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

    /**
     * Issue 10: the relay hop does not halve its window when a packet of tunnelled datagrams is lost (the peer
     * session inside sees the loss and its own controller decides), but still does for lost stream data.
     */
    @Test
    void aLostPacketOfTunnelledDatagramsLeavesTheWindowWhileLostStreamDataHalvesIt() throws Exception {
        QuicClientConnection connection = unconnected();
        try {
            assertThat(CongestionControllerSwap.apply(connection)).isTrue();
            var controller = KwikInternals.sender(connection).getCongestionController();
            long start = controller.getWindowSize();

            tech.kwik.core.packet.QuicPacket datagrams = packet(1, new DatagramFrame(new byte[1100]));
            controller.registerInFlight(datagrams);
            controller.registerLost(List.of(new tech.kwik.core.packet.PacketInfo(java.time.Instant.now(), datagrams, p -> { })));
            assertThat(controller.getWindowSize()).isEqualTo(start);
            assertThat(controller.getBytesInFlight()).isZero();

            tech.kwik.core.packet.QuicPacket stream = packet(2, new tech.kwik.core.frame.StreamFrame(0, new byte[1100], false));
            controller.registerInFlight(stream);
            controller.registerLost(List.of(new tech.kwik.core.packet.PacketInfo(java.time.Instant.now(), stream, p -> { })));
            assertThat(controller.getWindowSize()).isLessThan(start);
        } finally {
            connection.close();
        }
    }

    /**
     * RFC 9002 section 6.1.2: the loss delay is at least kGranularity (1 ms). Without the floor kwik's delay on a path
     * measured at 0 ms is 0, and its assertion that it is positive throws out of the ACK's processing (tests run with
     * assertions on), which "aborts" a kwik server connection without closing it.
     */
    @Test
    void lossDetectionOnAPathMeasuredAtZeroMillisecondsWaitsTheOneMillisecondGranularity() throws Exception {
        QuicClientConnection connection = unconnected();
        try {
            assertThat(LossDelayFloor.apply(connection)).isTrue();
            assertThat(LossDelayFloor.apply(connection)).as("applying twice is harmless").isTrue();
            SenderImpl sender = KwikInternals.sender(connection);
            RttEstimator estimate = (RttEstimator) KwikInternals.field(SenderImpl.class, "rttEstimater").get(sender);
            RecoveryManager recovery = (RecoveryManager) KwikInternals.field(SenderImpl.class, "recoveryManager").get(sender);
            LossDetector app = ((LossDetector[]) KwikInternals.field(RecoveryManager.class, "lossDetectors")
                    .get(recovery))[PnSpace.App.ordinal()];
            RttEstimator seenByLossDetection = (RttEstimator) KwikInternals.field(LossDetector.class, "rttEstimater").get(app);

            Instant now = Instant.now();
            seenByLossDetection.addSample(now, now, 0);
            assertThat(estimate.getSmoothedRtt()).as("the sample reaches the connection's estimate").isZero();
            assertThat(estimate.getLatestRtt()).isZero();

            // sent "in the future", so that only the loss delay decides when the unacknowledged packet counts as lost
            Instant sent = now.plusSeconds(60);
            app.packetSent(packet(0, new PingFrame()), sent, p -> { });
            app.packetSent(packet(1, new PingFrame()), sent, p -> { });
            app.onAckReceived(new AckFrame(1), Instant.now());
            assertThat(KwikInternals.field(LossDetector.class, "lossTime").get(app)).isEqualTo(sent.plusMillis(1));
        } finally {
            connection.close();
        }
    }

    /** A kwik client connection that is built (sender, controller, queues) but never connects. */
    private static QuicClientConnection unconnected() throws Exception {
        return QuicClientConnection.newBuilder()
                .uri(URI.create("https://127.0.0.1:9"))
                .applicationProtocol("h3")
                .logger(new NullLogger())
                .build();
    }

    private static tech.kwik.core.packet.QuicPacket packet(long number, tech.kwik.core.frame.QuicFrame frame) {
        // a packet that was never encrypted has no size of its own: give it a full one
        tech.kwik.core.packet.ShortHeaderPacket packet = new tech.kwik.core.packet.ShortHeaderPacket(
                tech.kwik.core.impl.Version.QUIC_version_1, new byte[8], frame) {
            @Override
            public int getSize() {
                return 1200;
            }
        };
        packet.setPacketNumber(number);
        return packet;
    }
}
