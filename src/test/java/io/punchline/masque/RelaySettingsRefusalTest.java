package io.punchline.masque;

import io.punchline.tls.TlsIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;
import tech.kwik.flupke.server.Http3ApplicationProtocolFactory;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that gets no usable SETTINGS (RFC 9114 section 7.2.4) says why: real kwik servers with ALPN h3 that send
 * plain HTTP/3 SETTINGS (flupke's own server, without extended CONNECT) or none at all. The relay at its connection
 * cap ("relay busy") is in {@link RelayResourceBoundsTest}.
 */
@Timeout(60)
class RelaySettingsRefusalTest {

    private DatagramSocket socket;
    private ServerConnector server;
    private TlsIdentity tls;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (socket != null) {
            socket.close();
        }
    }

    private RelayAddress serve(ApplicationProtocolConnectionFactory h3) throws Exception {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        tls = TlsIdentity.generate("not-a-relay");
        server = ServerConnector.builder()
                .withSocket(socket)
                .withKeyStore(tls.keyStore(), TlsIdentity.ALIAS, tls.keyPassword(), "secp256r1")
                .withConfiguration(ServerConnectionConfig.builder().maxOpenPeerInitiatedBidirectionalStreams(10)
                        .maxOpenPeerInitiatedUnidirectionalStreams(3).retryRequired(false).build())
                .withLogger(new NullLogger())
                .build();
        server.registerApplicationProtocol("h3", h3);
        server.start();
        return RelayAddress.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort()),
                tls.fingerprint(), null);
    }

    @Test
    void anHttp3ServerWithoutExtendedConnectIsReportedAsSuch() throws Exception {
        RelayAddress plainHttp3 = serve(new Http3ApplicationProtocolFactory((request, response) -> response.setStatus(404)));
        assertThatThrownBy(() -> RelayConnector.connect(plainHttp3, null, Duration.ofSeconds(10)))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("SETTINGS lack extended CONNECT")
                .hasMessageNotContaining("busy");
    }

    @Test
    void aServerThatSendsNoSettingsDidNotAnswerInTime() throws Exception {
        RelayAddress silent = serve(new ApplicationProtocolConnectionFactory() {
            @Override
            public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
                return new ApplicationProtocolConnection() { };
            }

            @Override
            public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
                return 3;
            }
        });
        long started = System.nanoTime();
        assertThatThrownBy(() -> RelayConnector.connect(silent, null, Duration.ofSeconds(10)))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("did not answer in time (busy?)")
                .hasMessageNotContaining("extended CONNECT");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(RelayConnector.SETTINGS_WAIT.toMillis() - 100);
    }
}
