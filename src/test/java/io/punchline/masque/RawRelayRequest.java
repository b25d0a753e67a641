package io.punchline.masque;

import io.punchline.crypto.Identity;
import io.punchline.crypto.RelayAuth;
import io.punchline.crypto.RelayAuthProof;
import io.punchline.crypto.RelayChallenge;
import io.punchline.wire.QuicVarint;
import tech.kwik.core.QuicStream;
import tech.kwik.flupke.impl.HeadersFrame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
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

        Request(RelayHttp3Connection.Exchange exchange) {
            this.stream = exchange.stream();
            this.writer = exchange.writer();
            this.reader = exchange.reader();
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
        Map<String, List<String>> headerFields = new LinkedHashMap<>();
        fields.forEach((name, value) -> headerFields.put(name, List.of(value)));
        RelayHttp3Connection.Exchange exchange =
                connection.http3().send(RelayConnector.connectUdp(relay, path), headerFields, null);
        Request request = new Request(exchange);
        request.response = exchange.response();
        return request;
    }

    /** POSTs {@code body} to {@code path} on the relay and reads the whole answer. */
    RelayHttp3Connection.Response post(String path, byte[] body) throws IOException {
        return connection.http3().post(RelayAuthRequests.post(relay, path), body, 64 * 1024);
    }

    /** Asks for a challenge for this connection. */
    RelayChallenge challenge() throws Exception {
        RelayHttp3Connection.Response response = post(RelayAuthRequests.CHALLENGE_PATH, new byte[0]);
        if (response.status() != 200) {
            throw new IOException("challenge refused: HTTP " + response.status() + response.proxyStatusDetail());
        }
        return RelayChallenge.decode(ByteBuffer.wrap(response.body()));
    }

    /** A valid proof of {@code identity} for {@code challenge} on a connection to this relay. */
    RelayAuthProof prove(Identity identity, RelayChallenge challenge) {
        return RelayAuth.prove(identity, challenge, relay.fingerprint().sha256(), relay.relayPeer(), new SecureRandom());
    }

    /** Sends proof bytes as they are, right or wrong. */
    RelayHttp3Connection.Response sendProof(byte[] proof) throws IOException {
        return post(RelayAuthRequests.PROOF_PATH, proof);
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
