package io.punchline.engine;

import io.punchline.nat.NatMapping;
import io.punchline.path.EngineSocket;
import io.punchline.wire.IpAddressCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Learns the engine's server-reflexive address (docs/ARCHITECTURE.md, "Where this differs from the design") with nothing but the standard bind: the engine
 * sends a small echo message from its own socket to its own public bind address; the relay receives it on the bind
 * socket from whatever address the engine's NAT gave it, and forwards it back in the uncompressed context, which
 * carries that source address. For an endpoint-independent NAT this is the address peers must punch toward. A bind
 * that announces an address of each family (a relay on a dual-stack socket) gets an echo at each, so a dual-stack
 * engine learns its reflexive address of each family.
 *
 * <p>Echo message: {@code 0x05, nonce (8)}; its first byte has the QUIC fixed bit clear, so the demultiplexer hands it
 * to the engine, not to QUIC.
 */
final class ReflexiveAddress {

    static final byte TYPE = 0x05;
    static final int LENGTH = 9;
    private static final Logger LOG = LoggerFactory.getLogger(ReflexiveAddress.class);

    private final EngineSocket socket;
    private final long nonce = new SecureRandom().nextLong();
    private final CountDownLatch answered = new CountDownLatch(1);
    private volatile InetSocketAddress observed;
    /** The answer of each family, IPv4 and IPv6 ({@link IpAddressCodec#ipVersion}). */
    private final Map<Integer, InetSocketAddress> observedByFamily = new ConcurrentHashMap<>();
    /** The family whose answer {@link #observed} is: the one the relay's listener saw this engine in. */
    private volatile int family = IpAddressCodec.IP_VERSION_4;
    private volatile InetSocketAddress observedByListener;

    ReflexiveAddress(EngineSocket socket) {
        this.socket = socket;
    }

    static boolean isEcho(byte[] data, int offset, int length) {
        return length == LENGTH && data[offset] == TYPE;
    }

    /**
     * Sends up to three echoes to each of {@code ownBindAddresses} (one per family the bind announced, the first of the
     * family this engine reached the relay over), waiting up to 500 ms each time for that family's to come back; an
     * echo of another family that fails or comes later is not waited for. {@code atListener} is where the relay's QUIC
     * listener saw this socket (its {@code punchline-observed-address} answer), null when the relay did not say: with
     * the echo's answer of its family it tells the NAT's mapping behaviour.
     */
    void discover(List<InetSocketAddress> ownBindAddresses, InetSocketAddress atListener) {
        observedByListener = atListener;
        family = IpAddressCodec.ipVersion(IpAddressCodec.unmapped(atListener != null ? atListener : ownBindAddresses.get(0)));
        for (int attempt = 0; attempt < 3 && observed == null; attempt++) {
            for (InetSocketAddress ownBindAddress : ownBindAddresses) {
                try {
                    echo(ownBindAddress);
                } catch (IOException e) { // e.g. no route for this family
                    LOG.debug("reflexive echo to {} failed: {}", ownBindAddress, e.getMessage());
                }
            }
            try {
                answered.await(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.info("NAT mapping: {} (the relay's listener saw {}, its bind socket {})",
                mapping().map(m -> m.behaviour().name().toLowerCase(Locale.ROOT)).orElse("unknown"),
                atListener, observed);
    }

    /**
     * Sends one echo to {@code ownBindAddress} without waiting: it comes back through the bind while the relay lives
     * ({@link RelayWatch}).
     */
    void echo(InetSocketAddress ownBindAddress) throws IOException {
        byte[] echo = ByteBuffer.allocate(LENGTH).put(TYPE).putLong(nonce).array();
        socket.send(echo, 0, echo.length, ownBindAddress);
    }

    void onEcho(byte[] data, int offset, int length, InetSocketAddress source) {
        if (ByteBuffer.wrap(data, offset + 1, 8).getLong() == nonce) {
            InetSocketAddress seen = IpAddressCodec.withoutZeroScope(IpAddressCodec.unmapped(source));
            int seenFamily = IpAddressCodec.ipVersion(seen);
            observedByFamily.put(seenFamily, seen);
            if (seenFamily == family) {
                observed = seen;
                answered.countDown();
            }
        }
    }

    /** The reflexive address of the family this engine reached the relay over; null before the echo came back. */
    InetSocketAddress observed() {
        return observed;
    }

    /** The reflexive address of each family whose echo came back, this engine's family first. */
    List<InetSocketAddress> observedAll() {
        List<InetSocketAddress> all = new ArrayList<>();
        InetSocketAddress first = observed;
        if (first != null) {
            all.add(first);
        }
        observedByFamily.values().stream().filter(a -> !a.equals(first)).forEach(all::add);
        return all;
    }

    /** How this engine's NAT maps its socket (docs/ARCHITECTURE.md, "Hard NATs"); empty when not known. */
    Optional<NatMapping> mapping() {
        return NatMapping.observed(observedByListener, observed);
    }
}
