package io.punchline.masque;

import io.punchline.wire.QuicVarint;
import tech.kwik.core.QuicStream;
import tech.kwik.flupke.impl.HeadersFrame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client that speaks to a relay byte by byte: it sends whatever request headers, capsules and datagrams a test
 * gives it, correct or not, and reports what comes back. Real kwik and flupke underneath.
 */
final class RawRelayRequest implements AutoCloseable {

    final RelayConnector.Connected connection;
    final BlockingQueue<byte[]> datagrams = new LinkedBlockingQueue<>();
    private final RelayAddress relay;

    RawRelayRequest(RelayAddress relay) throws BindException {
        this.relay = relay;
        this.connection = RelayConnector.connect(relay, null, Duration.ofSeconds(10));
        connection.quic().setDatagramHandler(datagrams::add);
    }

    /** One request stream with its response. */
    final class Request {
        final QuicStream stream;
        final RequestStreamWriter writer;
        final RequestStreamReader reader;
        HeadersFrame response;

        Request(QuicStream stream) {
            this.stream = stream;
            this.writer = new RequestStreamWriter(stream.getOutputStream());
            this.reader = new RequestStreamReader(stream.getInputStream());
        }

        long quarterStreamId() {
            return stream.getStreamId() / 4;
        }

        int status() {
            return Integer.parseInt(response.getPseudoHeader(":status"));
        }

        List<String> header(String name) {
            return response.headers().allValues(name);
        }

        void sendCapsule(Capsule capsule) throws IOException {
            writer.writeData(capsule.toBytes());
        }

        void sendRaw(byte[] capsuleBytes) throws IOException {
            writer.writeData(capsuleBytes);
        }

        /** Sends an HTTP datagram: this request's quarter stream ID, then {@code payload}. */
        void sendDatagram(byte[] payload) {
            byte[] datagram = new byte[QuicVarint.encodedLength(quarterStreamId()) + payload.length];
            int at = QuicVarint.encode(quarterStreamId(), datagram, 0);
            System.arraycopy(payload, 0, datagram, at, payload.length);
            connection.quic().sendDatagram(datagram);
        }

        /** Capsules until the stream ends; an IOException when the relay reset it. */
        List<Capsule> readCapsulesUntilEnd() throws Exception {
            CapsuleParser parser = new CapsuleParser();
            List<Capsule> capsules = new ArrayList<>();
            while (true) {
                RequestStreamReader.Item item = reader.next(16 * 1024);
                if (item instanceof RequestStreamReader.End) {
                    return capsules;
                }
                if (item instanceof RequestStreamReader.Data data) {
                    capsules.addAll(parser.feed(ByteBuffer.wrap(data.buffer(), 0, data.length())));
                }
            }
        }

        /** The next capsule. */
        Capsule nextCapsule() throws Exception {
            CapsuleParser parser = new CapsuleParser();
            while (true) {
                RequestStreamReader.Item item = reader.next(16 * 1024);
                if (item instanceof RequestStreamReader.Data data) {
                    List<Capsule> capsules = parser.feed(ByteBuffer.wrap(data.buffer(), 0, data.length()));
                    if (!capsules.isEmpty()) {
                        return capsules.get(0);
                    }
                } else {
                    throw new IOException("stream ended before a capsule: " + item);
                }
            }
        }
    }

    /** Sends an extended CONNECT for connect-udp on {@code path} with the given fields and reads the response. */
    Request connectUdp(String path, Map<String, String> fields) throws Exception {
        Request request = new Request(connection.http3().openRequestStream());
        Map<String, List<String>> headerFields = new LinkedHashMap<>();
        fields.forEach((name, value) -> headerFields.put(name, List.of(value)));
        request.writer.writeHeaders(connection.http3().encodeRequest(RelayConnector.connectUdp(relay, path), headerFields));
        RequestStreamReader.Item item = request.reader.next(16 * 1024);
        if (!(item instanceof RequestStreamReader.Headers headers)) {
            throw new IOException("no response headers: " + item);
        }
        request.response = connection.http3().decodeResponse(headers.fieldSection());
        return request;
    }

    Request bindAny() throws Exception {
        return connectUdp(UdpProxyingPath.bindAny(), Map.of(BindHeaders.CONNECT_UDP_BIND, "?1",
                BindHeaders.CAPSULE_PROTOCOL, "?1"));
    }

    byte[] nextDatagram() throws InterruptedException {
        return datagrams.poll(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        connection.close();
    }
}
