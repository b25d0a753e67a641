package io.punchline.relay;

import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol.Failure;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.RelayAuthRequests;
import io.punchline.wire.IpAddressCodec;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The relay's plain-request endpoints for pairing (docs/SECURITY.md section 7.4 and 7.5), all POST:
 * <pre>
 *   /.well-known/punchline/mailbox/v2/{allocate,put,claim,answer,burn,wait}   the pairing mailbox ({@link MailboxStore})
 *   /.well-known/punchline/peers/allow   u16 count || PeerId(32) x count  -> 204  (who may find my binds; max 256)
 *   /.well-known/punchline/peers/find    PeerId(32)                        -> 200 versioned address | 404 | 429
 * </pre>
 * Mailbox requests follow the relay's access rule (401 without relay authentication unless --allow-anonymous); peer
 * requests always need an authenticated PeerId. Allocations and claims count against the per-address minute.
 */
final class MailboxEndpoint {

    static final int MAX_FINDERS = 256;
    private static final int MAX_BUCKETS = 10_000;

    private final MailboxStore mailbox;
    private final PeerDirectory peers;
    private final RelayConfig config;
    private final BindDirectory directory;
    private final RequestWindow<InetAddress> perAddress;
    private final Map<PeerId, TokenBucket> findBuckets = new ConcurrentHashMap<>();

    MailboxEndpoint(RelayConfig config, BindDirectory directory, MailboxStore mailbox, PeerDirectory peers) {
        this.config = config;
        this.directory = directory;
        this.mailbox = mailbox;
        this.peers = peers;
        this.perAddress = new RequestWindow<>(config.requestsPerMinute());
    }

    static boolean serves(String path) {
        return path != null && (path.startsWith(MailboxProtocol.PREFIX) || path.equals(MailboxProtocol.PEERS_ALLOW)
                || path.equals(MailboxProtocol.PEERS_FIND));
    }

    /** Answers a POST to {@code path} with {@code body} (at most {@link MailboxProtocol#MAX_BODY} bytes read). */
    AuthEndpoint.Answer serve(RelayConnection connection, String path, byte[] body) throws InterruptedException {
        PeerId peer = connection.peer();
        boolean peerRequest = path.equals(MailboxProtocol.PEERS_ALLOW) || path.equals(MailboxProtocol.PEERS_FIND);
        if (peer == null && (peerRequest || !config.access().allowAnonymous())) {
            return unauthenticated();
        }
        if (body.length > MailboxProtocol.MAX_BODY) {
            return answer(Mailbox.Result.fail(Failure.TOO_LARGE));
        }
        InetAddress address = connection.clientKey().network(); // an IPv6 /64 counts as one client
        Mailbox.Result result = switch (path) {
            case MailboxProtocol.ALLOCATE -> body.length != 0 ? Mailbox.Result.fail(Failure.MALFORMED)
                    : perAddress.tryCount(address) ? mailbox.allocate(address, peer) : Mailbox.Result.fail(Failure.TOO_MANY);
            case MailboxProtocol.PUT -> mailbox.put(body);
            case MailboxProtocol.CLAIM -> perAddress.tryCount(address) ? mailbox.claim(body, address, peer)
                    : Mailbox.Result.fail(Failure.TOO_MANY);
            case MailboxProtocol.ANSWER -> mailbox.answer(body);
            case MailboxProtocol.BURN -> mailbox.burn(body);
            case MailboxProtocol.WAIT -> mailbox.await(body);
            case MailboxProtocol.PEERS_ALLOW -> allow(connection, body);
            case MailboxProtocol.PEERS_FIND -> find(peer, body);
            default -> Mailbox.Result.fail(Failure.NOT_FOUND);
        };
        return answer(result);
    }

    /** Where this relay's binds are published and peers are found. */
    PeerDirectory peers() {
        return peers;
    }

    int openNameplates() {
        return mailbox.openNameplates();
    }

    /** Whether {@code creator} has a pairing code open in this mailbox. */
    boolean hasOpenCodeOf(PeerId creator) {
        return mailbox.hasOpenCodeOf(creator);
    }

    private Mailbox.Result allow(RelayConnection connection, byte[] body) throws InterruptedException {
        ByteBuffer in = ByteBuffer.wrap(body);
        if (body.length < 2) {
            return Mailbox.Result.fail(Failure.MALFORMED);
        }
        int count = in.getShort() & 0xffff;
        if (count > MAX_FINDERS) {
            return Mailbox.Result.fail(Failure.TOO_LARGE);
        }
        if (in.remaining() != count * PeerId.LENGTH) {
            return Mailbox.Result.fail(Failure.MALFORMED);
        }
        Set<PeerId> finders = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            byte[] id = new byte[PeerId.LENGTH];
            in.get(id);
            finders.add(new PeerId(id));
        }
        connection.allowFinders(finders);
        List<BindTunnel> binds = new ArrayList<>();
        for (UdpTunnel tunnel : directory.tunnels()) {
            if (tunnel instanceof BindTunnel bind && tunnel.connection() == connection) {
                binds.add(bind);
            }
        }
        awaitStore(peers.publish(binds));
        return Mailbox.Result.done();
    }

    /**
     * The target's newest bind address, only if it is bound (here, or anywhere in the fleet) and allows the asker; 404
     * says nothing more.
     */
    private Mailbox.Result find(PeerId asker, byte[] body) {
        if (body.length != PeerId.LENGTH) {
            return Mailbox.Result.fail(Failure.MALFORMED);
        }
        if (findBuckets.size() > MAX_BUCKETS) {
            findBuckets.clear();
        }
        if (!findBuckets.computeIfAbsent(asker, p -> new TokenBucket(config.mailbox().findsPerSecond())).tryTake(1)) {
            return Mailbox.Result.fail(Failure.TOO_MANY);
        }
        InetSocketAddress address = peers.find(new PeerId(body), asker);
        if (address == null) {
            return Mailbox.Result.fail(Failure.NOT_FOUND);
        }
        ByteBuffer out = ByteBuffer.allocate(IpAddressCodec.versionedLength(address));
        IpAddressCodec.writeVersioned(address, out);
        return Mailbox.Result.ok(out.array());
    }

    /** Waits for the fleet store to take a write, at most its command timeout. */
    private static void awaitStore(CompletableFuture<Void> write) throws InterruptedException {
        try {
            write.get(FleetStore.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StoreUnavailableException unavailable ? unavailable
                    : new StoreUnavailableException("fleet store write failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("fleet store did not answer in " + FleetStore.TIMEOUT, e);
        }
    }

    private static AuthEndpoint.Answer answer(Mailbox.Result result) {
        if (result.status() == 200) {
            return AuthEndpoint.Answer.octets(result.body());
        }
        return new AuthEndpoint.Answer(result.status(), Map.of(), result.body());
    }

    private static AuthEndpoint.Answer unauthenticated() {
        Map<String, List<String>> fields = new LinkedHashMap<>(RequestDispatch.proxyStatus(
                "http_request_denied; details=\"relay authentication required\""));
        fields.put("www-authenticate", List.of(RelayAuthRequests.AUTH_SCHEME));
        return new AuthEndpoint.Answer(401, fields, new byte[]{(byte) Failure.UNAUTHENTICATED.code});
    }
}
