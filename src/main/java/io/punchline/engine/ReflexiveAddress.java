package io.punchline.engine;

import io.punchline.nat.NatMapping;
import io.punchline.path.EngineSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Learns the engine's server-reflexive address (docs/ARCHITECTURE.md, "Where this differs from the design") with nothing but the standard bind: the engine
 * sends a small echo message from its own socket to its own public bind address; the relay receives it on the bind
 * socket from whatever address the engine's NAT gave it, and forwards it back in the uncompressed context, which
 * carries that source address. For an endpoint-independent NAT this is the address peers must punch toward.
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
    private volatile InetSocketAddress observedByListener;

    ReflexiveAddress(EngineSocket socket) {
        this.socket = socket;
    }

    static boolean isEcho(byte[] data, int offset, int length) {
        return length == LENGTH && data[offset] == TYPE;
    }

    /**
     * Sends up to three echoes to {@code ownBindAddress}, waiting up to 500 ms for each to come back.
     * {@code atListener} is where the relay's QUIC listener saw this socket (its {@code punchline-observed-address}
     * answer), null when the relay did not say: with the echo's answer it tells the NAT's mapping behaviour.
     */
    void discover(InetSocketAddress ownBindAddress, InetSocketAddress atListener) {
        observedByListener = atListener;
        for (int attempt = 0; attempt < 3 && observed == null; attempt++) {
            try {
                echo(ownBindAddress);
                answered.await(500, TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                LOG.debug("reflexive echo failed: {}", e.getMessage());
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
            observed = source;
            answered.countDown();
        }
    }

    InetSocketAddress observed() {
        return observed;
    }

    /** How this engine's NAT maps its socket (docs/ARCHITECTURE.md, "Hard NATs"); empty when not known. */
    Optional<NatMapping> mapping() {
        return NatMapping.observed(observedByListener, observed);
    }
}
