package io.punchline.portmap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapper against gateways on real loopback sockets answering with recorded PCP, NAT-PMP and UPnP-IGD answers (the
 * forms miniupnpd sends): which protocol it settles on, the mapping it reports, renewal and deletion on close, and that
 * nothing but the gateway's own matching answer is believed.
 */
class PortMapperTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int INTERNAL_PORT = 4433;
    static final byte[] EXTERNAL = {(byte) 198, 51, 100, 7};

    /** What the listener heard, in order. */
    static final class Reports implements PortMapper.Listener {
        final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();

        @Override
        public void mapped(PortMapping mapping, boolean renewal) {
            seen.add(renewal ? "renewed " + mapping : mapping);
        }

        @Override
        public void lost(PortMapping mapping, String reason) {
            seen.add("lost " + mapping);
        }

        @Override
        public void unavailable(String reason) {
            seen.add("unavailable: " + reason);
        }

        Object next() throws InterruptedException {
            Object report = seen.poll(10, TimeUnit.SECONDS);
            assertThat(report).as("a report within 10 s").isNotNull();
            return report;
        }
    }

    /** A PCP MAP answer to {@code request} (its nonce, protocol and port echoed) granting {@code externalPort}. */
    static byte[] pcpAnswer(ByteBuffer request, int result, long lifetime, int externalPort) {
        ByteBuffer answer = ByteBuffer.allocate(60);
        answer.put((byte) 2).put((byte) 0x81).put((byte) 0).put((byte) result).putInt((int) lifetime).putInt(1234)
                .put(new byte[12]);
        answer.put(request.array(), request.arrayOffset() + 24, 12); // nonce
        answer.put((byte) 17).put(new byte[3]).putShort(request.getShort(24 + 16)).putShort((short) externalPort);
        answer.put(new byte[10]).put((byte) 0xFF).put((byte) 0xFF).put(EXTERNAL);
        return answer.array();
    }

    static long lifetimeOf(ByteBuffer pcpRequest) {
        return Integer.toUnsignedLong(pcpRequest.getInt(4));
    }

    static PortMapping mapping(GatewayProtocol protocol, int externalPort, long lifetime) throws IOException {
        return new PortMapping(protocol, new InetSocketAddress(InetAddress.getByAddress(EXTERNAL), externalPort),
                INTERNAL_PORT, lifetime);
    }

    @Test
    void aPcpGatewayGrantsTheMappingAndItIsDeletedWithTheSameNonceOnClose() throws Exception {
        try (LoopbackGateway gateway = new LoopbackGateway((request, from) -> List.of(pcpAnswer(request, 0,
                lifetimeOf(request) == 0 ? 0 : 7200, 60000)))) {
            Reports reports = new Reports();
            PortMapper mapper = PortMapper.start(LOOPBACK, gateway.port(), new InetSocketAddress(LOOPBACK, 9), INTERNAL_PORT, reports);
            assertThat(reports.next()).isEqualTo(mapping(GatewayProtocol.PCP, 60000, 7200));
            assertThat(mapper.current()).isEqualTo(mapping(GatewayProtocol.PCP, 60000, 7200));
            ByteBuffer map = gateway.requests.take();
            assertThat(lifetimeOf(map)).isEqualTo(PortMapper.LIFETIME_SECONDS);
            assertThat(map.getShort(24 + 16) & 0xFFFF).as("internal port").isEqualTo(INTERNAL_PORT);
            assertThat(map.getShort(24 + 18) & 0xFFFF).as("suggested port: the internal one").isEqualTo(INTERNAL_PORT);

            mapper.close();
            ByteBuffer delete = gateway.requests.poll(5, TimeUnit.SECONDS);
            assertThat(delete).isNotNull();
            assertThat(lifetimeOf(delete)).isZero();
            assertThat(delete.slice(24, 12)).isEqualTo(map.slice(24, 12));
            assertThat(mapper.current()).isNull();
        }
    }

    @Test
    void onlyTheGatewaysAnswerWithTheRequestsNonceIsBelieved() throws Exception {
        try (DatagramSocket lanHost = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             LoopbackGateway gateway = new LoopbackGateway((request, from) -> {
                 // a LAN host races the gateway with a forged answer, then the gateway sends a stale answer (another
                 // nonce) before the real one
                 byte[] forged = pcpAnswer(request, 0, 7200, 1111);
                 try {
                     lanHost.send(new DatagramPacket(forged, forged.length, from));
                 } catch (IOException e) {
                     throw new IllegalStateException(e);
                 }
                 byte[] stale = pcpAnswer(request, 0, 7200, 2222);
                 stale[24] ^= 1;
                 return List.of(stale, pcpAnswer(request, 0, 7200, 60000));
             })) {
            Reports reports = new Reports();
            try (PortMapper mapper = PortMapper.start(LOOPBACK, gateway.port(), new InetSocketAddress(LOOPBACK, 9),
                    INTERNAL_PORT, reports)) {
                assertThat(reports.next()).isEqualTo(mapping(GatewayProtocol.PCP, 60000, 7200));
            }
        }
    }

    @Test
    void aMappingIsRenewedHalfwayWithTheSameNonceSuggestingWhatItHas() throws Exception {
        try (LoopbackGateway gateway = new LoopbackGateway((request, from) -> List.of(pcpAnswer(request, 0,
                lifetimeOf(request) == 0 ? 0 : 2, 60000)))) {
            Reports reports = new Reports();
            long started = System.nanoTime();
            try (PortMapper mapper = PortMapper.start(LOOPBACK, gateway.port(), new InetSocketAddress(LOOPBACK, 9),
                    INTERNAL_PORT, reports)) {
                assertThat(reports.next()).isEqualTo(mapping(GatewayProtocol.PCP, 60000, 2));
                assertThat(reports.next()).isEqualTo("renewed " + mapping(GatewayProtocol.PCP, 60000, 2));
                assertThat(System.nanoTime() - started).as("renewed no sooner than half the 2 s lifetime")
                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
                ByteBuffer first = gateway.requests.take();
                ByteBuffer renewal = gateway.requests.take();
                assertThat(renewal.slice(24, 12)).isEqualTo(first.slice(24, 12));
                assertThat(renewal.getShort(24 + 18) & 0xFFFF).as("suggested port: the granted one").isEqualTo(60000);
            }
        }
    }

    @Test
    void aNatPmpOnlyGatewayIsAskedInNatPmp() throws Exception {
        try (LoopbackGateway gateway = new LoopbackGateway((request, from) -> {
            int version = request.get(0);
            int op = request.get(1);
            if (version == 2) {
                return List.of(ByteBuffer.allocate(8).put((byte) 0).put((byte) 0x81).putShort((short) 1).putInt(1234).array());
            }
            if (op == 0) {
                return List.of(ByteBuffer.allocate(12).put((byte) 0).put((byte) 0x80).putShort((short) 0).putInt(1234)
                        .put(EXTERNAL).array());
            }
            long lifetime = Integer.toUnsignedLong(request.getInt(8));
            return List.of(ByteBuffer.allocate(16).put((byte) 0).put((byte) 0x81).putShort((short) 0).putInt(1234)
                    .putShort(request.getShort(4)).putShort((short) (lifetime == 0 ? 0 : 50000)).putInt((int) lifetime).array());
        })) {
            Reports reports = new Reports();
            PortMapper mapper = PortMapper.start(LOOPBACK, gateway.port(), new InetSocketAddress(LOOPBACK, 9), INTERNAL_PORT, reports);
            assertThat(reports.next()).isEqualTo(mapping(GatewayProtocol.NAT_PMP, 50000, 7200));
            mapper.close();
            List<ByteBuffer> requests = new ArrayList<>(gateway.requests);
            ByteBuffer last = requests.get(requests.size() - 1);
            assertThat(last.get(0)).isZero();
            assertThat(last.get(1)).as("a mapping request").isEqualTo((byte) 1);
            assertThat(last.getInt(8)).as("lifetime 0: delete").isZero();
        }
    }

    static final String DESCRIPTION = UpnpMessagesTest.ROOT_DESC.strip();

    static String soapAnswer(String body) {
        return UpnpMessagesTest.ENVELOPE.formatted(body);
    }

    @Test
    void aUpnpGatewayIsFoundBySsdpAndMapsBySoapAndTheMappingIsDeletedOnClose() throws Exception {
        // PCP/NAT-PMP port closed (nothing listens on it): the mapper moves on to UPnP-IGD at once
        int closedPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            closedPort = probe.getLocalPort();
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        BlockingQueue<String> soap = new LinkedBlockingQueue<>();
        http.createContext("/rootDesc.xml", exchange -> respond(exchange, 200, DESCRIPTION));
        http.createContext("/ctl/IPConn", exchange -> {
            String action = exchange.getRequestHeaders().getFirst("SOAPAction");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            soap.add(action + " " + body);
            String name = action.substring(action.indexOf('#') + 1, action.length() - 1);
            String service = "urn:schemas-upnp-org:service:WANIPConnection:1";
            respond(exchange, 200, soapAnswer(name.equals("GetExternalIPAddress")
                    ? "<u:GetExternalIPAddressResponse xmlns:u=\"" + service + "\"><NewExternalIPAddress>198.51.100.7"
                    + "</NewExternalIPAddress></u:GetExternalIPAddressResponse>"
                    : "<u:" + name + "Response xmlns:u=\"" + service + "\"/>"));
        });
        http.start();
        String location = "http://" + LOOPBACK.getHostAddress() + ":" + http.getAddress().getPort() + "/rootDesc.xml";
        try (LoopbackGateway ssdp = new LoopbackGateway((request, from) -> List.of(("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\n"
                + "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nLOCATION: " + location + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)))) {
            Reports reports = new Reports();
            PortMapper mapper = PortMapper.start(LOOPBACK, closedPort, new InetSocketAddress(LOOPBACK, ssdp.port()),
                    INTERNAL_PORT, reports);
            assertThat(reports.next()).isEqualTo(mapping(GatewayProtocol.UPNP_IGD, INTERNAL_PORT, 7200));
            assertThat(new String(ssdp.requests.take().array(), StandardCharsets.US_ASCII)).startsWith("M-SEARCH");
            String add = soap.take();
            assertThat(add).startsWith("\"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\"")
                    .contains("<NewExternalPort>4433</NewExternalPort>", "<NewProtocol>UDP</NewProtocol>",
                            "<NewInternalClient>127.0.0.1</NewInternalClient>", "<NewLeaseDuration>7200</NewLeaseDuration>");
            assertThat(soap.take()).contains("#GetExternalIPAddress");
            mapper.close();
            assertThat(soap.poll(5, TimeUnit.SECONDS)).contains("#DeletePortMapping")
                    .contains("<NewExternalPort>4433</NewExternalPort>");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aGatewayThatMapsNothingIsReportedUnavailableOnce() throws Exception {
        int closedPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            closedPort = probe.getLocalPort();
        }
        Reports reports = new Reports();
        try (PortMapper mapper = PortMapper.start(LOOPBACK, closedPort, new InetSocketAddress(LOOPBACK, closedPort),
                INTERNAL_PORT, reports)) {
            assertThat((String) reports.next()).startsWith("unavailable: PCP: ").contains("NAT_PMP: ", "UPNP_IGD: ");
            assertThat(mapper.current()).isNull();
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml; charset=\"utf-8\"");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
