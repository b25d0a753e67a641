package io.punchline.path;

import io.netty.buffer.ByteBuf;
import io.punchline.wire.IpAddressCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides how each datagram of a peer connection travels (docs/ARCHITECTURE.md, "Path layer"): the QUIC codecs
 * address every peer by its stable virtual address (the peer's bind address on its relay); the router sends to that
 * address through the relay bind until a direct path to the peer is validated, then raw from the engine socket to the
 * punched address, and back through the relay on fallback. Received datagrams from a direct address are mapped back to
 * the virtual address.
 */
public final class PathRouter implements EngineSocket.PeerRoutes {

    /** Sends a UDP payload through the relay bind, from this engine's public bind address. */
    public interface RelaySender {
        void send(InetSocketAddress target, byte[] data, int offset, int length) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PathRouter.class);

    private final RelaySender relay;
    private final Map<InetSocketAddress, InetSocketAddress> directByVirtual = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, InetSocketAddress> virtualByDirect = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, AtomicLong> directReceived = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, AtomicLong> lastDirectReceive = new ConcurrentHashMap<>();
    private final AtomicLong relayedBytes = new AtomicLong();
    private final AtomicLong directBytes = new AtomicLong();
    private final AtomicLong relayedDatagrams = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();

    public PathRouter(RelaySender relay) {
        this.relay = relay;
    }

    @Override
    public InetSocketAddress directFor(InetSocketAddress virtualAddress) {
        return directByVirtual.get(virtualAddress);
    }

    @Override
    public InetSocketAddress virtualFor(InetSocketAddress source) {
        InetSocketAddress virtual = virtualByDirect.get(source);
        if (virtual == null) {
            return source;
        }
        AtomicLong count = directReceived.get(virtual);
        if (count != null) {
            count.incrementAndGet();
            AtomicLong last = lastDirectReceive.get(virtual);
            if (last != null) {
                last.set(System.nanoTime());
            }
        }
        return virtual;
    }

    /** {@link System#nanoTime()} when the last packet from the peer's direct address arrived, or 0. */
    public long lastDirectReceiveNanos(InetSocketAddress virtualAddress) {
        AtomicLong last = lastDirectReceive.get(virtualAddress);
        return last == null ? 0 : last.get();
    }

    /** QUIC packets received from the peer's direct address(es) so far (liveness of the direct path). */
    public long directPacketsReceived(InetSocketAddress virtualAddress) {
        AtomicLong count = directReceived.get(virtualAddress);
        return count == null ? 0 : count.get();
    }

    @Override
    public void sentDirect(int bytes) {
        directBytes.addAndGet(bytes);
    }

    /**
     * A datagram that cannot be sent through the relay (a bind is closing, no context yet) is dropped like any lost
     * UDP datagram and counted: QUIC recovers from loss.
     */
    @Override
    public void sendThroughRelay(InetSocketAddress virtualAddress, ByteBuf packet) {
        int length = packet.readableBytes();
        byte[] data = new byte[length];
        packet.getBytes(packet.readerIndex(), data);
        relayedBytes.addAndGet(length);
        relayedDatagrams.incrementAndGet();
        try {
            relay.send(virtualAddress, data, 0, length);
        } catch (IOException | RuntimeException e) {
            if (sendErrors.getAndIncrement() % 1000 == 0) {
                LOG.debug("dropped a datagram to {} ({} so far): {}", virtualAddress, sendErrors.get(), e.getMessage());
            }
        }
    }

    /** Datagrams dropped because the relay bind refused them. */
    public long sendErrors() {
        return sendErrors.get();
    }
    /**
     * Sends this peer's datagrams straight to {@code direct} from now on (an IPv4-mapped address as the IPv4 address the
     * dual-stack socket hears it from).
     */
    public void useDirect(InetSocketAddress virtualAddress, InetSocketAddress mappedOrNot) {
        InetSocketAddress direct = IpAddressCodec.unmapped(mappedOrNot);
        InetSocketAddress previous = directByVirtual.put(virtualAddress, direct);
        if (previous != null && !previous.equals(direct)) {
            virtualByDirect.remove(previous, virtualAddress);
        }
        virtualByDirect.put(direct, virtualAddress);
        directReceived.computeIfAbsent(virtualAddress, v -> new AtomicLong());
        lastDirectReceive.computeIfAbsent(virtualAddress, v -> new AtomicLong());
    }

    /** Sends this peer's datagrams through the relay again. Direct datagrams still arriving are still accepted. */
    public void useRelay(InetSocketAddress virtualAddress) {
        directByVirtual.remove(virtualAddress);
    }

    /** Accepts datagrams from {@code direct} as the peer's (before or after switching), mapped to its virtual address. */
    public void acceptFrom(InetSocketAddress virtualAddress, InetSocketAddress direct) {
        virtualByDirect.put(IpAddressCodec.unmapped(direct), virtualAddress);
        directReceived.computeIfAbsent(virtualAddress, v -> new AtomicLong());
        lastDirectReceive.computeIfAbsent(virtualAddress, v -> new AtomicLong());
    }

    /** Forgets everything about a peer whose session ended. */
    public void forget(InetSocketAddress virtualAddress) {
        directByVirtual.remove(virtualAddress);
        virtualByDirect.values().removeIf(virtualAddress::equals);
        directReceived.remove(virtualAddress);
        lastDirectReceive.remove(virtualAddress);
    }

    /** The direct address this peer's datagrams go to, or null while they go through the relay. */
    public InetSocketAddress directAddress(InetSocketAddress virtualAddress) {
        return directByVirtual.get(virtualAddress);
    }

    public long relayedBytes() {
        return relayedBytes.get();
    }

    public long relayedDatagrams() {
        return relayedDatagrams.get();
    }

    public long directBytes() {
        return directBytes.get();
    }
}
